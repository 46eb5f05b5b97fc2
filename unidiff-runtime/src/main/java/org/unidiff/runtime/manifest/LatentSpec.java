package org.unidiff.runtime.manifest;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The VAE latent ({@code latent} in the manifest).
 *
 * @param channels      latent channels C
 * @param height        latent height h
 * @param width         latent width w
 * @param scalingFactor the factor the diffusion model's latents carry ({@code z = factor * vae_latent})
 */
public record LatentSpec(
        @JsonProperty("channels") Integer channels,
        @JsonProperty("height") Integer height,
        @JsonProperty("width") Integer width,
        @JsonProperty("scaling_factor") Double scalingFactor) {

    /** C * h * w, the number of values of one latent. */
    public int size() {
        return channels * height * width;
    }
}
