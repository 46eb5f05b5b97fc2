package org.unidiff.api.core;

/**
 * How a task without a condition draws its image: in one solve over the state the reference
 * defines, or by ancestral sampling through a text latent.
 *
 * <p>{@link #DIRECT} is UniDiffuser's own procedure and the default. {@link #VIA_TEXT} first
 * samples an unconditional text latent (the text-only task), then generates the image from that
 * latent with text-to-image and classifier-free guidance; the text latent is passed on without
 * decoding to words. Both draw from the model's image marginal p(x) = sum over y of p(y) p(x | y)
 * (joint: p(x, y) = p(y) p(x | y)), but a small model fits the conditional far better than the
 * marginal, and only the conditional can be guided, so the second route can give much cleaner
 * images at the cost of a second solve.
 */
public enum MarginalRoute {
    /** One solve, as the reference: image-only marginalizes the text, joint generates both at t. */
    DIRECT,
    /** Text-only first, then text-to-image (guided) on that text latent; joint keeps that text. */
    VIA_TEXT;

    /** Lower-case name with a hyphen, as it is written in result parameters and on command lines. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
