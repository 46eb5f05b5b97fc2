package org.unidiff.api;

import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.core.SamplingOptions;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * An in-context task after LaVin-DiT: k example pairs show a transform; the model applies it to
 * the query. The frames enter as {@code [in_1, out_1, ..., in_k, out_k, query, answer]}; the
 * answer is generated. Guidance contrasts the prediction with the one that sees no examples.
 *
 * @param examples     the example pairs, in order; at least one (the bundle bounds how many)
 * @param query        the image to transform
 * @param exampleMode  how examples and query enter: clean (default) or re-noised every step
 * @param options      sampling options (null for the bundle defaults)
 */
public record InContextRequest(List<ExamplePair> examples, BufferedImage query, ReferenceMode exampleMode,
                               SamplingOptions options) {

    /** The most example pairs any request may carry before the bundle's own limit is checked. */
    public static final int MAX_EXAMPLES = 64;

    /** Validates the examples and query. */
    public InContextRequest {
        if (examples == null || examples.isEmpty()) {
            throw new InvalidRequestException("examples", "at least one example pair (input, output)",
                    examples == null ? null : "none");
        }
        if (examples.size() > MAX_EXAMPLES) {
            throw new InvalidRequestException("examples", "at most " + MAX_EXAMPLES + " pairs", examples.size());
        }
        for (int i = 0; i < examples.size(); i++) {
            if (examples.get(i) == null) {
                throw new InvalidRequestException("examples[" + i + "]", "an example pair", null);
            }
        }
        examples = List.copyOf(examples);
        query = Prompts.requireImage("query", query);
        exampleMode = exampleMode == null ? ReferenceMode.CLEAN : exampleMode;
        options = Prompts.orDefaults(options);
    }

    /** Clean examples. */
    public InContextRequest(List<ExamplePair> examples, BufferedImage query, SamplingOptions options) {
        this(examples, query, ReferenceMode.CLEAN, options);
    }
}
