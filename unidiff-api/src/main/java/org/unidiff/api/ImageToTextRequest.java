package org.unidiff.api;

import org.unidiff.api.core.SamplingOptions;

import java.awt.image.BufferedImage;

/**
 * Image to text (captioning).
 *
 * @param image   the image to describe (any size: center-cropped and resized as the bundle says)
 * @param options sampling options (null for the bundle defaults)
 */
public record ImageToTextRequest(BufferedImage image, SamplingOptions options) {

    /** Validates the image. */
    public ImageToTextRequest {
        image = Prompts.requireImage("image", image);
        options = Prompts.orDefaults(options);
    }

    /** A request with the bundle defaults and the given seed. */
    public static ImageToTextRequest of(BufferedImage image, long seed) {
        return new ImageToTextRequest(image, SamplingOptions.defaults().withSeed(seed));
    }
}
