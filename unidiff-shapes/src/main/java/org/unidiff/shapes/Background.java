package org.unidiff.shapes;

import java.util.Locale;

/** The plain background colour of a scene; the caption clause is "on a {word} background". */
public enum Background {
    /** (0, 0, 0). */
    BLACK(new Rgb(0, 0, 0)),
    /** (128, 128, 128). */
    GRAY(new Rgb(128, 128, 128)),
    /** (255, 255, 255). */
    WHITE(new Rgb(255, 255, 255));

    private final Rgb rgb;

    Background(Rgb rgb) {
        this.rgb = rgb;
    }

    /** The palette colour. */
    public Rgb rgb() {
        return rgb;
    }

    /** The caption word, e.g. "black". */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The background whose caption word is {@code word} (exact, lower case). */
    public static Background fromWord(String word) {
        for (Background value : values()) {
            if (value.word().equals(word)) {
                return value;
            }
        }
        throw new IllegalArgumentException("unknown background '" + word + "', expected one of black, gray, white");
    }
}
