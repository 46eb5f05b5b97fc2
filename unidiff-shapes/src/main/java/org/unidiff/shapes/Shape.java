package org.unidiff.shapes;

import java.util.Locale;

/** The kind of object drawn; every caption names it. */
public enum Shape {
    /** A disc whose diameter is the size's extent. */
    CIRCLE,
    /** An axis-aligned square whose side is the size's extent. */
    SQUARE,
    /** An isosceles triangle, apex up, base and height equal to the size's extent. */
    TRIANGLE,
    /** A square rotated 45 degrees whose diagonals equal the size's extent. */
    DIAMOND;

    /** The caption word, e.g. "circle". */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The shape whose caption word is {@code word} (exact, lower case). */
    public static Shape fromWord(String word) {
        for (Shape value : values()) {
            if (value.word().equals(word)) {
                return value;
            }
        }
        throw new IllegalArgumentException(
                "unknown shape '" + word + "', expected one of circle, square, triangle, diamond");
    }

    /**
     * Area of this shape as a fraction of its square bounding box: 1 for the square, pi/4 for the circle,
     * 1/2 for the triangle and the diamond. The analyzer measures this fill ratio.
     */
    public double fillRatio() {
        switch (this) {
            case CIRCLE:
                return Math.PI / 4;
            case SQUARE:
                return 1.0;
            default:
                return 0.5;
        }
    }
}
