package org.unidiff.runtime.text;

import java.util.Arrays;

/**
 * One candidate of the caption search.
 *
 * @param tokens   generated tokens, the end token included when {@code finished}
 * @param logProb  total log-probability of the tokens
 * @param finished whether the last token is the end token
 */
public record Hypothesis(long[] tokens, double logProb, boolean finished) {

    /** Copies the tokens. */
    public Hypothesis {
        tokens = tokens.clone();
    }

    /** The tokens (a copy). */
    @Override
    public long[] tokens() {
        return tokens.clone();
    }

    /** Number of tokens, the end token included. */
    public int length() {
        return tokens.length;
    }

    /** The ranking score: log-probability divided by length. */
    public double score() {
        return logProb / tokens.length;
    }

    /** The tokens before the end token. */
    public long[] content() {
        return finished ? Arrays.copyOf(tokens, tokens.length - 1) : tokens.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hypothesis h && Arrays.equals(tokens, h.tokens) && logProb == h.logProb
                && finished == h.finished;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(tokens) * 31 + Double.hashCode(logProb);
    }

    @Override
    public String toString() {
        return Arrays.toString(tokens) + " logp=" + logProb + (finished ? " (finished)" : "");
    }
}
