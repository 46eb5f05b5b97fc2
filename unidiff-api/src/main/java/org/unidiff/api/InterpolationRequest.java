package org.unidiff.api;

import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.core.SamplingOptions;

import java.awt.image.BufferedImage;

/**
 * Interpolation between two real images: each is inverted ({@link InversionRequest}: captioned
 * into a text latent, then the ODE run backwards to its noise), the two noises are blended
 * spherically and the two text latents linearly, and frame k of n is generated from the blend at
 * {@code k / (n - 1)}: frame 0 regenerates {@code first}, frame n-1 {@code last}. All frames are
 * samples of one solve.
 *
 * <p>The options' outputs is set to {@code frames} (so a batch of interpolations is bounded like
 * any other outputs); steps, sampler and guidance apply to every stage. An unset sampler or
 * guidance takes the inversion's defaults (ddim, 0; {@link InversionRequest#withTaskDefaults}).
 *
 * @param first       the first image
 * @param last        the last image
 * @param frames      frames, endpoints included: 2 to {@value #MAX_FRAMES}
 * @param refinements fixed-point iterations per inversion step (see {@link InversionRequest})
 * @param options     sampling options (null for the bundle defaults)
 */
public record InterpolationRequest(BufferedImage first, BufferedImage last, int frames, int refinements,
                                   SamplingOptions options) {

    /** The fewest frames: the two endpoints. */
    public static final int MIN_FRAMES = 2;
    /** The most frames: one solve's outputs. */
    public static final int MAX_FRAMES = SamplingOptions.MAX_OUTPUTS;

    /** Validates both images, the frame count and the refinements. */
    public InterpolationRequest {
        first = Prompts.requireImage("first", first);
        last = Prompts.requireImage("last", last);
        if (frames < MIN_FRAMES || frames > MAX_FRAMES) {
            throw new InvalidRequestException("frames", "an integer from " + MIN_FRAMES + " to " + MAX_FRAMES
                    + " (endpoints included)", frames);
        }
        if (refinements < 0 || refinements > org.unidiff.sampling.solver.DdimInversion.MAX_REFINEMENTS) {
            throw new InvalidRequestException("refinements", "an integer from 0 to "
                    + org.unidiff.sampling.solver.DdimInversion.MAX_REFINEMENTS, refinements);
        }
        options = InversionRequest.withTaskDefaults(Prompts.orDefaults(options)).withOutputs(frames);
    }

    /** An interpolation with the default inversion refinements. */
    public static InterpolationRequest of(BufferedImage first, BufferedImage last, int frames,
                                          SamplingOptions options) {
        return new InterpolationRequest(first, last, frames, InversionRequest.DEFAULT_REFINEMENTS, options);
    }
}
