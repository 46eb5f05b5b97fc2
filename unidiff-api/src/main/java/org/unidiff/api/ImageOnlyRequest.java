package org.unidiff.api;

/**
 * Unconditional image generation (text marginalized).
 *
 * @param options sampling options (null for the bundle defaults); guidance does not apply
 */
public record ImageOnlyRequest(SamplingOptions options) {

    /** Fills in defaults. */
    public ImageOnlyRequest {
        options = Prompts.orDefaults(options);
    }
}
