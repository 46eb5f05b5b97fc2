package org.unidiff.api.core;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A task's identity: an open id such as {@code "text-to-image"}. The built-in tasks are the
 * constants here, each id spelled once in the project; a user's recipe names its own task with
 * {@link #of(String)} and is served like a built-in one once it is in a
 * {@link org.unidiff.api.tasks.TaskRegistry}.
 *
 * <p>Ids are lower-case words joined by hyphens, so that they read the same as a CLI command, a
 * JSON value and a manifest entry.
 */
public final class Task {

    private static final Pattern ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    // The ids as compile-time constants (annotations, switch labels); each built-in id is spelled here only.
    /** The id of {@link #TEXT_TO_IMAGE}. */
    public static final String TEXT_TO_IMAGE_ID = "text-to-image";
    /** The id of {@link #IMAGE_TO_TEXT}. */
    public static final String IMAGE_TO_TEXT_ID = "image-to-text";
    /** The id of {@link #JOINT}. */
    public static final String JOINT_ID = "joint";
    /** The id of {@link #IMAGE_ONLY}. */
    public static final String IMAGE_ONLY_ID = "image-only";
    /** The id of {@link #TEXT_ONLY}. */
    public static final String TEXT_ONLY_ID = "text-only";
    /** The id of {@link #IMAGE_VARIATION}. */
    public static final String IMAGE_VARIATION_ID = "image-variation";
    /** The id of {@link #TEXT_VARIATION}. */
    public static final String TEXT_VARIATION_ID = "text-variation";
    /** The id of {@link #GROUP}. */
    public static final String GROUP_ID = "group";
    /** The id of {@link #IN_CONTEXT}. */
    public static final String IN_CONTEXT_ID = "in-context";
    /** The id of {@link #INVERSION}. */
    public static final String INVERSION_ID = "inversion";
    /** The id of {@link #INTERPOLATION}. */
    public static final String INTERPOLATION_ID = "interpolation";

    /** Text to image: image generated, text given clean. */
    public static final Task TEXT_TO_IMAGE = new Task(TEXT_TO_IMAGE_ID);
    /** Image to text (captioning): text generated, image given clean. */
    public static final Task IMAGE_TO_TEXT = new Task(IMAGE_TO_TEXT_ID);
    /** Image and text generated together. */
    public static final Task JOINT = new Task(JOINT_ID);
    /** Unconditional image: text marginalized. */
    public static final Task IMAGE_ONLY = new Task(IMAGE_ONLY_ID);
    /** Unconditional text: image marginalized. */
    public static final Task TEXT_ONLY = new Task(TEXT_ONLY_ID);
    /** Image to text latent to image, the latent passed on directly. */
    public static final Task IMAGE_VARIATION = new Task(IMAGE_VARIATION_ID);
    /** Text to image latents to text, the latents passed on directly. */
    public static final Task TEXT_VARIATION = new Task(TEXT_VARIATION_ID);
    /** Several images generated together, optionally from references. */
    public static final Task GROUP = new Task(GROUP_ID);
    /** In-context (LaVin-DiT style): k example pairs and a query; the answer is generated. */
    public static final Task IN_CONTEXT = new Task(IN_CONTEXT_ID);
    /** Inversion: a real image to the noise (and caption latent) that regenerates it. */
    public static final Task INVERSION = new Task(INVERSION_ID);
    /** Interpolation between two real images: both inverted, the frames generated from blends. */
    public static final Task INTERPOLATION = new Task(INTERPOLATION_ID);

    private final String id;

    private Task(String id) {
        this.id = id;
    }

    /**
     * The task of that id (a built-in id gives an equal task).
     *
     * @throws InvalidRequestException if the id is not lower-case words joined by hyphens
     */
    public static Task of(String id) {
        if (id == null || !ID.matcher(id).matches() || id.length() > 64) {
            throw new InvalidRequestException("task", "lower-case words joined by hyphens, at most 64 characters "
                    + "(e.g. text-to-image)", id);
        }
        return new Task(id);
    }

    /** The id, as in result parameters, a manifest's {@code tasks}, the CLI and the HTTP API. */
    public String id() {
        return id;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Task t && t.id.equals(id);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id);
    }

    @Override
    public String toString() {
        return id;
    }
}
