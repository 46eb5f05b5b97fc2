package org.unidiff.api;

/**
 * The tasks of the library: those of a UniDiffuser-style model (each a choice of timesteps per
 * modality) and in-context tasks of the in-context family.
 */
public enum Task {
    /** Text to image: image generated, text given clean. */
    TEXT_TO_IMAGE,
    /** Image to text (captioning): text generated, image given clean. */
    IMAGE_TO_TEXT,
    /** Image and text generated together. */
    JOINT,
    /** Unconditional image: text marginalized. */
    IMAGE_ONLY,
    /** Unconditional text: image marginalized. */
    TEXT_ONLY,
    /** Image to text latent to image, the latent passed on directly. */
    IMAGE_VARIATION,
    /** Text to image latents to text, the latents passed on directly. */
    TEXT_VARIATION,
    /** Several images generated together, optionally from references. */
    GROUP,
    /** In-context (LaVin-DiT style): k example pairs and a query; the answer is generated. */
    IN_CONTEXT,
    /** Inversion: a real image to the noise (and caption latent) that regenerates it. */
    INVERSION,
    /** Interpolation between two real images: both inverted, the frames generated from blends. */
    INTERPOLATION;

    /** Lower-case id with hyphens, as in result parameters and a manifest's {@code tasks}. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
