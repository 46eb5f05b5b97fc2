package org.unidiff.api;

import org.unidiff.api.core.GenerationParameters;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Generated groups: {@code groups.get(i).get(j)} is slot {@code j} of output {@code i}.
 * Reference slots hold the reference as the model saw it (cropped and resized).
 *
 * @param groups     one list of slot images per output
 * @param parameters what made them
 */
public record GroupResult(List<List<BufferedImage>> groups, GenerationParameters parameters) {

    /** Copies the lists. */
    public GroupResult {
        groups = groups.stream().map(List::copyOf).toList();
    }
}
