package org.unidiff.sampling.plan;

/**
 * The two streams of a joint model's slot. Each stream has one timestep per slot and one
 * {@link Role} per pass.
 */
public enum Stream {
    /** The image latent (C x h x w) together with the CLIP image token (Dc); both share {@code t_img}. */
    IMAGE,
    /** The text latent (L x Dt), fed at {@code t_text}. */
    TEXT;

    /** The parts of this stream, in the order they are laid out in states and given values. */
    public Part[] parts() {
        return this == IMAGE ? new Part[] {Part.IMAGE_LATENT, Part.CLIP} : new Part[] {Part.TEXT};
    }
}
