package org.unidiff.api;

import org.unidiff.api.core.SamplingOptions;

import java.awt.image.BufferedImage;

/**
 * Image variation: the image is captioned into a text latent, and that latent (not decoded to
 * words) conditions a new image, as the reference does.
 *
 * @param image   the source image
 * @param options sampling options for both stages (null for the bundle defaults)
 */
public record ImageVariationRequest(BufferedImage image, SamplingOptions options) {

    /** Validates the image. */
    public ImageVariationRequest {
        image = Prompts.requireImage("image", image);
        options = Prompts.orDefaults(options);
    }
}
