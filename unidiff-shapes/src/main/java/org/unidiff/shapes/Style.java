package org.unidiff.shapes;

import java.util.Objects;

/**
 * The attributes shared by every image of a group: background, colour and size.
 *
 * @param background shared background
 * @param color shared object colour
 * @param size shared object size
 */
public record Style(Background background, Color color, Size size) {

    /** Checks that every attribute is given. */
    public Style {
        Objects.requireNonNull(background, "background");
        Objects.requireNonNull(color, "color");
        Objects.requireNonNull(size, "size");
    }

    /** The style of a scene. */
    public static Style of(Scene scene) {
        return new Style(scene.background(), scene.color(), scene.size());
    }
}
