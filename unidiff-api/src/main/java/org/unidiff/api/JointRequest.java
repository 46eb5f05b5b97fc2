package org.unidiff.api;

/**
 * Joint generation of an image and its caption.
 *
 * @param options sampling options (null for the bundle defaults)
 */
public record JointRequest(SamplingOptions options) {

    /** Fills in defaults. */
    public JointRequest {
        options = Prompts.orDefaults(options);
    }
}
