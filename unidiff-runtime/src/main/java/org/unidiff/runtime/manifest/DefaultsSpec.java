package org.unidiff.runtime.manifest;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The sampling settings the model's authors recommend ({@code defaults}).
 *
 * @param sampler       one of {@link ManifestReader#KNOWN_SAMPLERS}
 * @param steps         model evaluations
 * @param guidanceScale classifier-free guidance scale s (0 turns guidance off)
 */
public record DefaultsSpec(
        @JsonProperty("sampler") String sampler,
        @JsonProperty("steps") Integer steps,
        @JsonProperty("guidance_scale") Double guidanceScale) {
}
