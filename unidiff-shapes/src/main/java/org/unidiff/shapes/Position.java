package org.unidiff.shapes;

import java.util.Locale;

/**
 * The cell of the 3 x 3 grid the object is centred on. Centres lie at 16, 32 and 48 px in image
 * coordinates where pixel (x, y) covers [x, x+1) x [y, y+1), so the grid is symmetric in the 64 px image.
 */
public enum Position {
    /** Centre (16, 16). */
    TOP_LEFT(0, 0, "at the top left"),
    /** Centre (32, 16). */
    TOP(0, 1, "at the top"),
    /** Centre (48, 16). */
    TOP_RIGHT(0, 2, "at the top right"),
    /** Centre (16, 32). */
    LEFT(1, 0, "on the left"),
    /** Centre (32, 32). */
    CENTER(1, 1, "in the center"),
    /** Centre (48, 32). */
    RIGHT(1, 2, "on the right"),
    /** Centre (16, 48). */
    BOTTOM_LEFT(2, 0, "at the bottom left"),
    /** Centre (32, 48). */
    BOTTOM(2, 1, "at the bottom"),
    /** Centre (48, 48). */
    BOTTOM_RIGHT(2, 2, "at the bottom right");

    /** Distance between neighbouring grid centres, and the first centre's offset from the image edge. */
    public static final int GRID_STEP = 16;

    private final int row;
    private final int column;
    private final String phrase;

    Position(int row, int column, String phrase) {
        this.row = row;
        this.column = column;
        this.phrase = phrase;
    }

    /** Grid row, 0 (top) to 2 (bottom). */
    public int row() {
        return row;
    }

    /** Grid column, 0 (left) to 2 (right). */
    public int column() {
        return column;
    }

    /** The caption phrase, e.g. "at the top left". */
    public String phrase() {
        return phrase;
    }

    /** A stable lower-case identifier for serialization, e.g. "top_left". */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Horizontal centre of the cell in pixels (16, 32 or 48). */
    public int centerX() {
        return GRID_STEP * (column + 1);
    }

    /** Vertical centre of the cell in pixels (16, 32 or 48). */
    public int centerY() {
        return GRID_STEP * (row + 1);
    }

    /** The position at grid row and column (each 0..2). */
    public static Position at(int row, int column) {
        if (row < 0 || row > 2 || column < 0 || column > 2) {
            throw new IllegalArgumentException("grid row and column must be 0..2, got (" + row + ", " + column + ")");
        }
        return values()[row * 3 + column];
    }

    /** The cell whose centre is nearest to the point (x, y) in pixels. */
    public static Position nearest(double x, double y) {
        return at(nearestIndex(y), nearestIndex(x));
    }

    private static int nearestIndex(double coordinate) {
        long index = Math.round(coordinate / GRID_STEP) - 1;
        return (int) Math.max(0, Math.min(2, index));
    }

    /** The position whose identifier ({@link #id()}) is {@code id}. */
    public static Position fromId(String id) {
        for (Position value : values()) {
            if (value.id().equals(id)) {
                return value;
            }
        }
        throw new IllegalArgumentException("unknown position id '" + id + "', expected e.g. top_left or center");
    }
}
