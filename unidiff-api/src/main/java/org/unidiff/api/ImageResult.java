package org.unidiff.api;

import org.unidiff.api.core.GenerationParameters;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Generated images, output {@code i} at index {@code i}.
 *
 * @param images     the images (TYPE_INT_RGB, the bundle's image size)
 * @param parameters what made them
 */
public record ImageResult(List<BufferedImage> images, GenerationParameters parameters) {

    /** Copies the list. */
    public ImageResult {
        images = List.copyOf(images);
    }

    /** The first image. */
    public BufferedImage image() {
        return images.get(0);
    }
}
