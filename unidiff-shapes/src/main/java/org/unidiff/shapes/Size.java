package org.unidiff.shapes;

import java.util.Locale;

/** The size of the object, given as the side of its square bounding box in pixels. */
public enum Size {
    /** Bounding box 14 px. */
    SMALL(14),
    /** Bounding box 28 px. */
    LARGE(28);

    private final int extent;

    Size(int extent) {
        this.extent = extent;
    }

    /** Side of the object's bounding box in pixels. */
    public int extent() {
        return extent;
    }

    /** The caption word, e.g. "small". */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The size whose caption word is {@code word} (exact, lower case). */
    public static Size fromWord(String word) {
        for (Size value : values()) {
            if (value.word().equals(word)) {
                return value;
            }
        }
        throw new IllegalArgumentException("unknown size '" + word + "', expected small or large");
    }
}
