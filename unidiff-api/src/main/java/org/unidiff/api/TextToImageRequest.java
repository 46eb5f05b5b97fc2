package org.unidiff.api;

import org.unidiff.api.core.SamplingOptions;

/**
 * Text to image.
 *
 * @param prompt  the caption to draw; not blank
 * @param options sampling options (null for the bundle defaults)
 */
public record TextToImageRequest(String prompt, SamplingOptions options) {

    /** Validates the prompt. */
    public TextToImageRequest {
        prompt = Prompts.requirePrompt("prompt", prompt);
        options = Prompts.orDefaults(options);
    }

    /** A request with the bundle defaults and the given seed. */
    public static TextToImageRequest of(String prompt, long seed) {
        return new TextToImageRequest(prompt, SamplingOptions.defaults().withSeed(seed));
    }
}
