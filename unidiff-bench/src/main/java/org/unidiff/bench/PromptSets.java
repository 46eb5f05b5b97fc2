package org.unidiff.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.unidiff.shapes.Background;
import org.unidiff.shapes.CaptionAttributes;
import org.unidiff.shapes.Color;
import org.unidiff.shapes.EvalPrompt;
import org.unidiff.shapes.EvaluationSet;
import org.unidiff.shapes.GroupSampler;
import org.unidiff.shapes.Scene;
import org.unidiff.shapes.SceneGroup;
import org.unidiff.shapes.Size;
import org.unidiff.shapes.Style;

/**
 * The fixed prompt, image and group sets of the quality benchmark. Every set is a pure function of its seed and
 * size, so two runs (or two models) with the same options are scored on the same items.
 */
public final class PromptSets {

    /** Which part of the evaluation set to draw from. */
    public enum Pairs {
        /** (colour, shape) pairs seen in training. */
        SEEN,
        /** The held-out (colour, shape) pairs only. */
        HELD_OUT,
        /** Any of the 1296 scenes. */
        ANY
    }

    /** Scenes per repeat of the evaluation set whose (colour, shape) pair is held out: 4 pairs x 54 scenes. */
    private static final int HELD_OUT_COMBINATIONS = 216;
    private static final long SHUFFLE_MIX = 0x5DEECE66DL;

    private PromptSets() {
    }

    /**
     * {@code count} entries of the full-caption evaluation set ({@link EvaluationSet}), drawn without
     * replacement in an order shuffled by {@code seed}, from the seen pairs, the held-out pairs or all scenes.
     */
    public static List<EvalPrompt> evaluation(long seed, int count, Pairs pairs) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, got " + count);
        }
        int perRepeat = switch (pairs) {
            case SEEN -> Scene.COMBINATIONS - HELD_OUT_COMBINATIONS;
            case HELD_OUT -> HELD_OUT_COMBINATIONS;
            case ANY -> Scene.COMBINATIONS;
        };
        int repeats = (count + perRepeat - 1) / perRepeat;
        List<EvalPrompt> pool = new ArrayList<>();
        for (EvalPrompt p : EvaluationSet.fullCaptions(seed, repeats)) {
            if (pairs == Pairs.ANY || p.heldOut() == (pairs == Pairs.HELD_OUT)) {
                pool.add(p);
            }
        }
        SplittableRandom random = new SplittableRandom(seed ^ SHUFFLE_MIX);
        // Partial Fisher-Yates: the first `count` entries become a uniform sample without replacement.
        for (int i = 0; i < count; i++) {
            int j = i + random.nextInt(pool.size() - i);
            EvalPrompt chosen = pool.get(j);
            pool.set(j, pool.get(i));
            pool.set(i, chosen);
        }
        return List.copyOf(pool.subList(0, count));
    }

    /**
     * {@code count} evaluation groups (any colour with any shape) of 2 to {@code maxSize} images, uniform size
     * and style, members differing in shape or position.
     */
    public static List<SceneGroup> groups(long seed, int count, int maxSize) {
        if (maxSize < SceneGroup.MIN_SIZE) {
            throw new IllegalArgumentException("groups need a model that takes at least " + SceneGroup.MIN_SIZE
                    + " images at once, this one takes " + maxSize);
        }
        int largest = Math.min(maxSize, SceneGroup.MAX_SIZE);
        SplittableRandom random = new SplittableRandom(seed);
        GroupSampler sampler = GroupSampler.forEvaluation();
        List<SceneGroup> groups = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int size = SceneGroup.MIN_SIZE + random.nextInt(largest - SceneGroup.MIN_SIZE + 1);
            Style style = new Style(pick(Background.values(), random), pick(Color.values(), random),
                    pick(Size.values(), random));
            groups.add(sampler.sample(style, size, random));
        }
        return groups;
    }

    /** A caption naming only the shape and the position, e.g. "a circle at the top left": no style attribute. */
    public static String shapeAndPosition(Scene scene) {
        return CaptionAttributes.of(scene, false, false, true, false).text();
    }

    /**
     * How many outputs each of {@code requests} requests asks for so that together they make {@code total}: full
     * requests of {@code batch}, the last one possibly shorter.
     */
    public static int[] split(int total, int batch) {
        if (total < 1 || batch < 1) {
            throw new IllegalArgumentException("need total >= 1 and batch >= 1, got " + total + " and " + batch);
        }
        int requests = (total + batch - 1) / batch;
        int[] outputs = new int[requests];
        for (int i = 0; i < requests; i++) {
            outputs[i] = Math.min(batch, total - i * batch);
        }
        return outputs;
    }

    private static <T> T pick(T[] values, SplittableRandom random) {
        return values[random.nextInt(values.length)];
    }
}
