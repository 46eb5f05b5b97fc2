package org.unidiff.api;

import org.unidiff.api.core.GenerationParameters;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The frames of an interpolation, first endpoint at index 0, last at {@code frames().size() - 1}.
 *
 * @param frames     the frames (TYPE_INT_RGB, the bundle's image size)
 * @param captions   the two inputs' captions decoded from their text latents, for the record
 * @param parameters what made them ({@code outputs} is the frame count)
 */
public record InterpolationResult(List<BufferedImage> frames, List<String> captions,
                                  GenerationParameters parameters) {

    /** Copies the lists. */
    public InterpolationResult {
        frames = List.copyOf(frames);
        captions = List.copyOf(captions);
    }
}
