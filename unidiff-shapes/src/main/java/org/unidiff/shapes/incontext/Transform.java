package org.unidiff.shapes.incontext;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.unidiff.shapes.Background;
import org.unidiff.shapes.Color;
import org.unidiff.shapes.Position;
import org.unidiff.shapes.Shape;

/**
 * The kinds of in-context transform of a scene. Each kind has a fixed list of arguments (possibly none);
 * a kind together with one argument is an {@link InContextTask}.
 */
public enum Transform {
    /** Recolour the object to the argument colour; everything else, the jittered centre included, stays. */
    RECOLOR("recolor", Arrays.stream(Color.values()).map(Color::word).toList()),
    /** Change the object's shape to the argument shape. */
    SHAPE("shape", Arrays.stream(Shape.values()).map(Shape::word).toList()),
    /** Move the object to the argument grid cell, keeping its offset (jitter) from the cell centre. */
    MOVE("move", Arrays.stream(Position.values()).map(Position::id).toList()),
    /** Change the background to the argument colour. */
    BACKGROUND("background", Arrays.stream(Background.values()).map(Background::word).toList()),
    /** Small becomes large and large becomes small, same centre. */
    RESIZE("resize", List.of()),
    /** Mirror left-right: the centre's x becomes 64 - x (all four shapes are left-right symmetric). */
    MIRROR("mirror", List.of()),
    /** Dense prediction: the foreground mask, the object white on black (scored by IoU, not the analyzer). */
    MASK("mask", List.of());

    private final String id;
    private final List<String> arguments;

    Transform(String id, List<String> arguments) {
        this.id = id;
        this.arguments = arguments;
    }

    /** Lower-case identifier, the part of a task id before the colon. */
    public String id() {
        return id;
    }

    /** The arguments this kind takes, in enum order of the attribute; empty for argument-free kinds. */
    public List<String> arguments() {
        return arguments;
    }

    /** Whether the target is a dense map rather than a scene the analyzer reads. */
    public boolean isDense() {
        return this == MASK;
    }

    /** The transform whose {@link #id()} is {@code id}. */
    public static Transform fromId(String id) {
        for (Transform t : values()) {
            if (t.id.equals(id.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown transform '" + id + "', expected one of recolor, shape, move, "
                + "background, resize, mirror, mask");
    }
}
