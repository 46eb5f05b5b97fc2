package org.unidiff.api;

/** The tasks one UniDiffuser-style model performs, each a choice of timesteps per modality. */
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
    GROUP
}
