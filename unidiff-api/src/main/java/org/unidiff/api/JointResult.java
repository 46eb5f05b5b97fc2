package org.unidiff.api;

import org.unidiff.api.core.GenerationParameters;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Jointly generated image and caption pairs, output {@code i} at index {@code i} of both lists.
 *
 * @param images     the images
 * @param texts      their captions
 * @param parameters what made them
 */
public record JointResult(List<BufferedImage> images, List<String> texts, GenerationParameters parameters) {

    /** Copies the lists and checks they pair up. */
    public JointResult {
        images = List.copyOf(images);
        texts = List.copyOf(texts);
        if (images.size() != texts.size()) {
            throw new IllegalArgumentException("joint result needs as many texts as images, got "
                    + texts.size() + " and " + images.size());
        }
    }
}
