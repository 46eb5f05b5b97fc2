package org.unidiff.shapes;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * One image of the shapes world: the five captioned attributes plus the jittered centre the object is
 * drawn at. Two scenes with the same attributes but different centres get the same full caption.
 *
 * @param background background colour
 * @param color object colour
 * @param shape object shape
 * @param size object size
 * @param position grid cell
 * @param centerX horizontal centre of the object's bounding box in pixels
 * @param centerY vertical centre of the object's bounding box in pixels
 */
public record Scene(Background background, Color color, Shape shape, Size size, Position position,
                    double centerX, double centerY) {

    /** Largest offset, in pixels along each axis, of the drawn centre from its grid cell's centre. */
    public static final double MAX_JITTER = 3.0;

    /** Number of distinct attribute combinations: 3 x 6 x 4 x 2 x 9. */
    public static final int COMBINATIONS = 1296;

    /** Checks the attributes are given and the centre lies within the jitter range of the cell. */
    public Scene {
        Objects.requireNonNull(background, "background");
        Objects.requireNonNull(color, "color");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(position, "position");
        if (!(Math.abs(centerX - position.centerX()) <= MAX_JITTER)
                || !(Math.abs(centerY - position.centerY()) <= MAX_JITTER)) {
            throw new IllegalArgumentException("centre (" + centerX + ", " + centerY + ") is more than "
                    + MAX_JITTER + " px from the centre of " + position.id() + " (" + position.centerX() + ", "
                    + position.centerY() + ")");
        }
    }

    /** The scene with its object exactly at the cell centre (no jitter). */
    public static Scene centered(Background background, Color color, Shape shape, Size size, Position position) {
        return new Scene(background, color, shape, size, position, position.centerX(), position.centerY());
    }

    /** The scene with its centre offset from the cell centre by a uniform draw in [-3, 3] px per axis. */
    public static Scene jittered(Background background, Color color, Shape shape, Size size, Position position,
                                 SplittableRandom random) {
        double dx = random.nextDouble(-MAX_JITTER, MAX_JITTER);
        double dy = random.nextDouble(-MAX_JITTER, MAX_JITTER);
        return new Scene(background, color, shape, size, position,
                position.centerX() + dx, position.centerY() + dy);
    }

    /** This scene's attributes with the centre moved, e.g. by new jitter, to (x, y). */
    public Scene withCenter(double x, double y) {
        return new Scene(background, color, shape, size, position, x, y);
    }

    /** Whether this scene's (colour, shape) pair is held out of training. */
    public boolean isHeldOut() {
        return HeldOut.isHeldOut(color, shape);
    }

    /** Whether the five attributes (not the centre) equal those of {@code other}. */
    public boolean sameAttributes(Scene other) {
        return background == other.background && color == other.color && shape == other.shape
                && size == other.size && position == other.position;
    }

    /**
     * Index of the attribute combination in {@link #allCentered()}, 0..1295, in the order background, colour,
     * shape, size, position (position varying fastest).
     */
    public int combinationIndex() {
        int index = background.ordinal();
        index = index * Color.values().length + color.ordinal();
        index = index * Shape.values().length + shape.ordinal();
        index = index * Size.values().length + size.ordinal();
        return index * Position.values().length + position.ordinal();
    }

    /** All 1296 attribute combinations with centred objects, ordered by {@link #combinationIndex()}. */
    public static List<Scene> allCentered() {
        List<Scene> scenes = new ArrayList<>(COMBINATIONS);
        for (Background background : Background.values()) {
            for (Color color : Color.values()) {
                for (Shape shape : Shape.values()) {
                    for (Size size : Size.values()) {
                        for (Position position : Position.values()) {
                            scenes.add(centered(background, color, shape, size, position));
                        }
                    }
                }
            }
        }
        return scenes;
    }
}
