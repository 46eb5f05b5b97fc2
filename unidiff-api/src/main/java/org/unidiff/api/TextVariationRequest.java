package org.unidiff.api;

import org.unidiff.api.core.SamplingOptions;

/**
 * Text variation: the prompt is drawn into image latents, and those latents (not decoded to
 * pixels) condition a new caption, as the reference does.
 *
 * @param prompt  the source text; not blank
 * @param options sampling options for both stages (null for the bundle defaults)
 */
public record TextVariationRequest(String prompt, SamplingOptions options) {

    /** Validates the prompt. */
    public TextVariationRequest {
        prompt = Prompts.requirePrompt("prompt", prompt);
        options = Prompts.orDefaults(options);
    }
}
