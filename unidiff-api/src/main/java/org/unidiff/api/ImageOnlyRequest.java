package org.unidiff.api;

import org.unidiff.api.core.MarginalRoute;
import org.unidiff.api.core.SamplingOptions;

import java.util.Objects;

/**
 * Unconditional image generation (text marginalized).
 *
 * @param options sampling options (null for the bundle defaults); guidance applies only to the
 *                image stage of {@link MarginalRoute#VIA_TEXT}
 * @param route   how the image is drawn (null for {@link MarginalRoute#DIRECT}, the reference's)
 */
public record ImageOnlyRequest(SamplingOptions options, MarginalRoute route) {

    /** Fills in defaults. */
    public ImageOnlyRequest {
        options = Prompts.orDefaults(options);
        route = Objects.requireNonNullElse(route, MarginalRoute.DIRECT);
    }

    /** The reference's route: one solve with the text marginalized. */
    public ImageOnlyRequest(SamplingOptions options) {
        this(options, MarginalRoute.DIRECT);
    }
}
