package org.unidiff.runtime.manifest;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The text latent and the prompt tokenizer ({@code text}).
 *
 * @param tokens    text latent tokens L
 * @param dim       text latent width Dt
 * @param tokenizer padding and special ids of the text encoder's tokenizer
 */
public record TextSpec(
        @JsonProperty("tokens") Integer tokens,
        @JsonProperty("dim") Integer dim,
        @JsonProperty("tokenizer") TokenizerSpec tokenizer) {

    /** L * Dt, the number of values of one text latent. */
    public int size() {
        return tokens * dim;
    }
}
