package org.unidiff.runtime.manifest;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The caption search of the text decoder ({@code caption}).
 *
 * @param eosId        the token that ends a caption
 * @param maxNewTokens the most tokens a caption may have
 * @param beamSize     beams of the search (1 is greedy)
 */
public record CaptionSpec(
        @JsonProperty("eos_id") Long eosId,
        @JsonProperty("max_new_tokens") Integer maxNewTokens,
        @JsonProperty("beam_size") Integer beamSize) {
}
