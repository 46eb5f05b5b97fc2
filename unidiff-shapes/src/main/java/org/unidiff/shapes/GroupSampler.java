package org.unidiff.shapes;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws {@link SceneGroup}s: a uniform group size in 2..4, a uniform style (background, colour, size), then
 * distinct (shape, position) layouts drawn uniformly without replacement, each with its own jitter. The
 * training sampler skips the shapes that are held out for the style's colour, so no held-out pair ever
 * appears in a training group.
 */
public final class GroupSampler {

    private final boolean includeHeldOut;

    private GroupSampler(boolean includeHeldOut) {
        this.includeHeldOut = includeHeldOut;
    }

    /** Groups for training: held-out (colour, shape) pairs never appear. */
    public static GroupSampler forTraining() {
        return new GroupSampler(false);
    }

    /** Groups for evaluation: any shape may appear with any colour. */
    public static GroupSampler forEvaluation() {
        return new GroupSampler(true);
    }

    /** Draws one group. */
    public SceneGroup sample(SplittableRandom random) {
        int size = SceneGroup.MIN_SIZE + random.nextInt(SceneGroup.MAX_SIZE - SceneGroup.MIN_SIZE + 1);
        Style style = new Style(
                pick(Background.values(), random),
                pick(Color.values(), random),
                pick(Size.values(), random));
        return sample(style, size, random);
    }

    /** Draws a group of {@code size} images with the given style. */
    public SceneGroup sample(Style style, int size, SplittableRandom random) {
        if (size < SceneGroup.MIN_SIZE || size > SceneGroup.MAX_SIZE) {
            throw new IllegalArgumentException("group size must be " + SceneGroup.MIN_SIZE + ".."
                    + SceneGroup.MAX_SIZE + ", got " + size);
        }
        List<Shape> shapes = new ArrayList<>();
        for (Shape shape : Shape.values()) {
            if (includeHeldOut || !HeldOut.isHeldOut(style.color(), shape)) {
                shapes.add(shape);
            }
        }
        int positions = Position.values().length;
        int layouts = shapes.size() * positions;
        int[] order = new int[layouts];
        for (int i = 0; i < layouts; i++) {
            order[i] = i;
        }
        List<Scene> members = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            // Partial Fisher-Yates: the first `size` entries become a uniform sample without replacement.
            int j = i + random.nextInt(layouts - i);
            int chosen = order[j];
            order[j] = order[i];
            order[i] = chosen;
            Shape shape = shapes.get(chosen / positions);
            Position position = Position.values()[chosen % positions];
            members.add(Scene.jittered(style.background(), style.color(), shape, style.size(), position, random));
        }
        return new SceneGroup(style, members);
    }

    private static <T> T pick(T[] values, SplittableRandom random) {
        return values[random.nextInt(values.length)];
    }
}
