package org.unidiff.shapes.incontext;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.unidiff.shapes.Background;
import org.unidiff.shapes.Color;
import org.unidiff.shapes.Position;
import org.unidiff.shapes.Renderer;
import org.unidiff.shapes.Scene;
import org.unidiff.shapes.Shape;
import org.unidiff.shapes.Size;

/**
 * One in-context task: a {@link Transform} with its argument, e.g. {@code recolor:green}, {@code move:top_right},
 * {@code resize}. An example pair is (scene, {@link #apply(Scene)}); the answer to a query is the target of the
 * query. Targets are exact: they are renders of the transformed scene (or of its mask).
 *
 * <p>The held-out combinations are listed once, in {@link #HELD_OUT}; the Python recipe
 * ({@code models/unidiff_models/incontext_data.py}) lists the same ids and a test on each side checks them.
 *
 * @param transform the kind
 * @param argument  the argument, one of {@link Transform#arguments()}, or {@code null} for argument-free kinds
 */
public record InContextTask(Transform transform, String argument) {

    /** (transform, argument) combinations never used in training, to measure learning from the examples alone. */
    public static final List<InContextTask> HELD_OUT = List.of(
            new InContextTask(Transform.RECOLOR, "green"),
            new InContextTask(Transform.SHAPE, "diamond"),
            new InContextTask(Transform.MOVE, "top_right"));

    /** Checks the argument belongs to the transform. */
    public InContextTask {
        Objects.requireNonNull(transform, "transform");
        if (transform.arguments().isEmpty()) {
            if (argument != null) {
                throw new IllegalArgumentException(transform.id() + " takes no argument, got '" + argument + "'");
            }
        } else if (!transform.arguments().contains(argument)) {
            throw new IllegalArgumentException(transform.id() + " takes one of " + transform.arguments() + ", got '"
                    + argument + "'");
        }
    }

    /** Parses {@code kind} or {@code kind:argument}, e.g. {@code recolor:green}. */
    public static InContextTask fromId(String id) {
        int colon = id.indexOf(':');
        return colon < 0 ? new InContextTask(Transform.fromId(id), null)
                : new InContextTask(Transform.fromId(id.substring(0, colon)), id.substring(colon + 1));
    }

    /** {@code kind:argument}, or {@code kind} for argument-free kinds. */
    public String id() {
        return argument == null ? transform.id() : transform.id() + ":" + argument;
    }

    /** A file-name-safe form of {@link #id()}: the colon becomes an underscore. */
    public String folderName() {
        return id().replace(':', '_');
    }

    /** Whether this combination is held out of training. */
    public boolean isHeldOut() {
        return HELD_OUT.contains(this);
    }

    /** Every task, in transform order then argument order. */
    public static List<InContextTask> all() {
        List<InContextTask> tasks = new ArrayList<>();
        for (Transform t : Transform.values()) {
            if (t.arguments().isEmpty()) {
                tasks.add(new InContextTask(t, null));
            } else {
                for (String a : t.arguments()) {
                    tasks.add(new InContextTask(t, a));
                }
            }
        }
        return List.copyOf(tasks);
    }

    /** {@link #all()} without {@link #HELD_OUT}: what training may use. */
    public static List<InContextTask> training() {
        return all().stream().filter(t -> !t.isHeldOut()).toList();
    }

    /**
     * The transformed scene. For the dense {@link Transform#MASK} this is the scene itself (its target image is
     * the mask of it, see {@link #render(Scene)}).
     */
    public Scene apply(Scene s) {
        switch (transform) {
            case RECOLOR:
                return new Scene(s.background(), Color.fromWord(argument), s.shape(), s.size(), s.position(),
                        s.centerX(), s.centerY());
            case SHAPE:
                return new Scene(s.background(), s.color(), Shape.fromWord(argument), s.size(), s.position(),
                        s.centerX(), s.centerY());
            case MOVE: {
                Position to = Position.fromId(argument);
                return new Scene(s.background(), s.color(), s.shape(), s.size(), to,
                        to.centerX() + (s.centerX() - s.position().centerX()),
                        to.centerY() + (s.centerY() - s.position().centerY()));
            }
            case BACKGROUND:
                return new Scene(Background.fromWord(argument), s.color(), s.shape(), s.size(), s.position(),
                        s.centerX(), s.centerY());
            case RESIZE:
                return new Scene(s.background(), s.color(), s.shape(), s.size() == Size.SMALL ? Size.LARGE : Size.SMALL,
                        s.position(), s.centerX(), s.centerY());
            case MIRROR: {
                Position to = Position.at(s.position().row(), 2 - s.position().column());
                return new Scene(s.background(), s.color(), s.shape(), s.size(), to,
                        Renderer.IMAGE_SIZE - s.centerX(), s.centerY());
            }
            case MASK:
                return s;
            default:
                throw new AssertionError(transform);
        }
    }

    /**
     * Whether the task changes the scene's attributes (or, for the mask, always): training draws examples and
     * queries only where it does, so that every example shows what the task does.
     */
    public boolean changes(Scene s) {
        return transform.isDense() || !apply(s).sameAttributes(s);
    }

    /** The exact target image of {@code s}, H x W x RGB bytes. */
    public byte[] render(Scene s) {
        return transform.isDense() ? Renderer.renderMaskBytes(s) : Renderer.renderBytes(apply(s));
    }
}
