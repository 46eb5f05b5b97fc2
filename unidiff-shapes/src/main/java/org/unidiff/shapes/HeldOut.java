package org.unidiff.shapes;

import java.util.List;
import java.util.Objects;

/**
 * A (colour, shape) combination never drawn for training, in any caption or group, so that evaluation on it
 * measures compositional generalization.
 *
 * @param color the object colour
 * @param shape the object shape
 */
public record HeldOut(Color color, Shape shape) {

    /** The held-out pairs of the shapes world, in the spec's order. */
    public static final List<HeldOut> PAIRS = List.of(
            new HeldOut(Color.BLUE, Shape.TRIANGLE),
            new HeldOut(Color.YELLOW, Shape.SQUARE),
            new HeldOut(Color.GREEN, Shape.DIAMOND),
            new HeldOut(Color.PURPLE, Shape.CIRCLE));

    /** Checks that both parts are given. */
    public HeldOut {
        Objects.requireNonNull(color, "color");
        Objects.requireNonNull(shape, "shape");
    }

    /** Whether the combination of {@code color} and {@code shape} is held out of training. */
    public static boolean isHeldOut(Color color, Shape shape) {
        for (HeldOut pair : PAIRS) {
            if (pair.color == color && pair.shape == shape) {
                return true;
            }
        }
        return false;
    }
}
