package org.unidiff.shapes;

import java.util.Locale;

/** The colour of the object in a scene, one of six palette colours; the caption word is its name. */
public enum Color {
    /** (220, 40, 40). */
    RED(new Rgb(220, 40, 40)),
    /** (40, 170, 70). */
    GREEN(new Rgb(40, 170, 70)),
    /** (50, 90, 220). */
    BLUE(new Rgb(50, 90, 220)),
    /** (235, 205, 40). */
    YELLOW(new Rgb(235, 205, 40)),
    /** (150, 70, 190). */
    PURPLE(new Rgb(150, 70, 190)),
    /** (240, 140, 30). */
    ORANGE(new Rgb(240, 140, 30));

    private final Rgb rgb;

    Color(Rgb rgb) {
        this.rgb = rgb;
    }

    /** The palette colour. */
    public Rgb rgb() {
        return rgb;
    }

    /** The caption word, e.g. "red". */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The colour whose caption word is {@code word} (exact, lower case). */
    public static Color fromWord(String word) {
        for (Color value : values()) {
            if (value.word().equals(word)) {
                return value;
            }
        }
        throw new IllegalArgumentException(
                "unknown colour '" + word + "', expected one of red, green, blue, yellow, purple, orange");
    }
}
