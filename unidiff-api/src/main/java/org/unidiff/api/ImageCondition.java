package org.unidiff.api;

/**
 * An input image as the transformer takes it.
 *
 * @param latent the scaled VAE latent (C*h*w)
 * @param clip   the CLIP image embedding (Dc)
 */
record ImageCondition(double[] latent, double[] clip) {
}
