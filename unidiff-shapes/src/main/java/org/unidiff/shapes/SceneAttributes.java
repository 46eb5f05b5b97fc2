package org.unidiff.shapes;

import java.util.Objects;

/**
 * The five captioned attributes of a scene without its exact centre: what a full caption states and what the
 * {@link Analyzer} recovers from an image.
 *
 * @param background background colour
 * @param color object colour
 * @param shape object shape
 * @param size object size
 * @param position grid cell
 */
public record SceneAttributes(Background background, Color color, Shape shape, Size size, Position position) {

    /** Checks every attribute is given. */
    public SceneAttributes {
        Objects.requireNonNull(background, "background");
        Objects.requireNonNull(color, "color");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(position, "position");
    }

    /** The attributes of a scene. */
    public static SceneAttributes of(Scene scene) {
        return new SceneAttributes(scene.background(), scene.color(), scene.shape(), scene.size(), scene.position());
    }

    /** The scene with these attributes drawn exactly at the cell centre. */
    public Scene centeredScene() {
        return Scene.centered(background, color, shape, size, position);
    }

    /** Whether the (colour, shape) pair is held out of training. */
    public boolean isHeldOut() {
        return HeldOut.isHeldOut(color, shape);
    }
}
