package org.unidiff.api;

import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.core.SamplingOptions;

import java.awt.image.BufferedImage;

/**
 * Inversion: an image mapped to the noise from which text-to-image regenerates it. The image is
 * captioned into a text latent (the latent itself, not decoded to words), then the deterministic
 * probability-flow ODE of text-to-image conditioned on that latent is run backwards from the
 * image's latent (DDIM inversion on the grid the request's sampler uses).
 *
 * <p>The options' steps and guidance apply to all stages; the sampler picks the grid and
 * regenerates; the seed draws the caption and any marginalized noise (the image's latent is the
 * VAE mean). Outputs is always 1. Unlike other tasks, an unset sampler is {@value #DEFAULT_SAMPLER}
 * and an unset guidance scale 0 ({@link #withTaskDefaults}), not the bundle's. With {@code ddim} and guidance 0 the ODE draws no noise and the inversion with a few
 * refinements is exact; with guidance the unconditional pass's marginalized noise differs between
 * the backward and forward solves (measured in docs/quality-interpolation.md).
 *
 * @param image       the image to invert
 * @param refinements fixed-point iterations per inversion step, 0 to
 *                    {@value org.unidiff.sampling.solver.DdimInversion#MAX_REFINEMENTS}: 0 is the
 *                    plain (approximate) DDIM inversion; each one costs one more transformer
 *                    evaluation per step and brings the result closer to the exact inverse
 * @param regenerate  whether to also regenerate the image from the noise (a round-trip check)
 * @param options     sampling options (null for the bundle defaults)
 */
public record InversionRequest(BufferedImage image, int refinements, boolean regenerate, SamplingOptions options) {

    /** The sampler of inversion and interpolation when the options leave it unset. */
    public static final String DEFAULT_SAMPLER = "ddim";

    /**
     * Steps of an unset step count: the inversion's own, not the bundle's. The default model's
     * manifest went to 25 steps (text-to-image quality equal to 50 within noise), but an inversion
     * halves its latent error from 25 to 50 steps (0.014 to 0.007, docs/BENCHMARKS.md), and its
     * measured quality is at 50.
     */
    public static final int DEFAULT_STEPS = 50;

    /** The refinements of {@link #of}: what the quality benchmark found enough on the default model. */
    public static final int DEFAULT_REFINEMENTS = 2;

    /** Validates the image and the refinements. */
    public InversionRequest {
        image = Prompts.requireImage("image", image);
        if (refinements < 0 || refinements > org.unidiff.sampling.solver.DdimInversion.MAX_REFINEMENTS) {
            throw new InvalidRequestException("refinements", "an integer from 0 to "
                    + org.unidiff.sampling.solver.DdimInversion.MAX_REFINEMENTS, refinements);
        }
        options = withTaskDefaults(Prompts.orDefaults(options)).withOutputs(1);
    }

    /**
     * {@code options} with an unset sampler set to {@value #DEFAULT_SAMPLER}, an unset guidance
     * scale set to 0 and unset steps set to {@value #DEFAULT_STEPS}. Why not the bundle's defaults: only deterministic DDIM without guidance is
     * inverted exactly; on the default model the bundle's (dpm-solver, guidance 3) regenerate 0.72
     * of 60 renders with all five attributes against 0.83 of 200, and interpolation endpoints match
     * in 0.58 against 0.87 (docs/quality-interpolation.md).
     */
    public static SamplingOptions withTaskDefaults(SamplingOptions options) {
        SamplingOptions o = options;
        if (o.sampler() == null) {
            o = o.withSampler(DEFAULT_SAMPLER);
        }
        if (o.guidanceScale() == null) {
            o = o.withGuidanceScale(0);
        }
        if (o.steps() == null) {
            o = o.withSteps(DEFAULT_STEPS);
        }
        return o;
    }

    /** The inversion of {@code image} with the default refinements, no regeneration. */
    public static InversionRequest of(BufferedImage image, SamplingOptions options) {
        return new InversionRequest(image, DEFAULT_REFINEMENTS, false, options);
    }
}
