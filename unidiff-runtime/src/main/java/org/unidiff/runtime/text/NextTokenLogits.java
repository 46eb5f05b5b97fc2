package org.unidiff.runtime.text;

import java.util.List;

/** A language model seen by the caption search: next-token logits for a batch of token prefixes. */
@FunctionalInterface
public interface NextTokenLogits {

    /**
     * The logits of the token that follows each prefix.
     *
     * @param prefixes token prefixes, all of the same length (0 at the first step)
     * @return one row of vocabulary logits per prefix, in order
     */
    float[][] next(List<long[]> prefixes);
}
