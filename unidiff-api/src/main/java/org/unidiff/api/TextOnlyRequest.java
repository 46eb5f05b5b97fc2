package org.unidiff.api;

import org.unidiff.api.core.SamplingOptions;

/**
 * Unconditional text generation (image marginalized).
 *
 * @param options sampling options (null for the bundle defaults); guidance does not apply
 */
public record TextOnlyRequest(SamplingOptions options) {

    /** Fills in defaults. */
    public TextOnlyRequest {
        options = Prompts.orDefaults(options);
    }
}
