package org.unidiff.api;

import org.unidiff.api.core.GenerationParameters;

import java.util.List;

/**
 * Generated texts, output {@code i} at index {@code i}.
 *
 * @param texts      the decoded captions
 * @param parameters what made them
 */
public record TextResult(List<String> texts, GenerationParameters parameters) {

    /** Copies the list. */
    public TextResult {
        texts = List.copyOf(texts);
    }

    /** The first text. */
    public String text() {
        return texts.get(0);
    }
}
