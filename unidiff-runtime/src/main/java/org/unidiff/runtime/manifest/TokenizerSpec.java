package org.unidiff.runtime.manifest;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.OptionalLong;

/**
 * How prompts are turned into the text encoder's fixed-length ids ({@code text.tokenizer}).
 *
 * @param maxLength every prompt is padded or truncated to this many ids (equal to the text tokens L)
 * @param padId     the id that fills the rest of the sequence
 * @param bosId     id put first, if the text encoder expects one (may be null)
 * @param eosId     id put after the prompt's tokens, if the text encoder expects one (may be null)
 */
public record TokenizerSpec(
        @JsonProperty("max_length") Integer maxLength,
        @JsonProperty("pad_id") Long padId,
        @JsonProperty("bos_id") Long bosId,
        @JsonProperty("eos_id") Long eosId) {

    /** The BOS id, if any. */
    public OptionalLong bos() {
        return bosId == null ? OptionalLong.empty() : OptionalLong.of(bosId);
    }

    /** The EOS id, if any. */
    public OptionalLong eos() {
        return eosId == null ? OptionalLong.empty() : OptionalLong.of(eosId);
    }
}
