package org.unidiff.api.engine;

/**
 * An input image as the transformer takes it.
 *
 * @param latent the scaled VAE latent (C*h*w)
 * @param clip   the CLIP image embedding (Dc), empty for bundles without an image encoder
 */
public record EncodedImage(double[] latent, double[] clip) {
}
