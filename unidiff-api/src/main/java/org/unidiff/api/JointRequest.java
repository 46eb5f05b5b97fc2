package org.unidiff.api;

import org.unidiff.api.core.MarginalRoute;
import org.unidiff.api.core.SamplingOptions;

import java.util.Objects;

/**
 * Joint generation of an image and its caption.
 *
 * @param options sampling options (null for the bundle defaults)
 * @param route   how the pair is drawn (null for {@link MarginalRoute#DIRECT}, the reference's)
 */
public record JointRequest(SamplingOptions options, MarginalRoute route) {

    /** Fills in defaults. */
    public JointRequest {
        options = Prompts.orDefaults(options);
        route = Objects.requireNonNullElse(route, MarginalRoute.DIRECT);
    }

    /** The reference's route: image and text generated together in one solve. */
    public JointRequest(SamplingOptions options) {
        this(options, MarginalRoute.DIRECT);
    }
}
