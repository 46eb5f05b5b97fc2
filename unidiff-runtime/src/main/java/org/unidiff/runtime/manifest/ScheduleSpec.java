package org.unidiff.runtime.manifest;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.unidiff.sampling.PredictionType;
import org.unidiff.sampling.schedule.BetaSchedule;
import org.unidiff.sampling.schedule.DiscreteVpSchedule;
import org.unidiff.sampling.schedule.FlowMatchingSchedule;
import org.unidiff.sampling.schedule.NoiseSchedule;

/**
 * The noise schedule the model was trained with ({@code schedule}).
 *
 * @param type         {@value #VP_DISCRETE} or {@value #FLOW}
 * @param betaSchedule {@code "scaled_linear"} or {@code "linear"} (vp-discrete only)
 * @param betaStart    first beta (vp-discrete only)
 * @param betaEnd      last beta (vp-discrete only)
 * @param trainSteps   discrete training steps; also the network time of pure noise
 * @param prediction   {@code "epsilon"}, {@code "data"} or {@code "velocity"}
 * @param grid         optional explicit time grid for the solver (flow schedules): a name or the times
 */
public record ScheduleSpec(
        @JsonProperty("type") String type,
        @JsonProperty("beta_schedule") String betaSchedule,
        @JsonProperty("beta_start") Double betaStart,
        @JsonProperty("beta_end") Double betaEnd,
        @JsonProperty("train_steps") Integer trainSteps,
        @JsonProperty("prediction") String prediction,
        @JsonProperty("grid") GridSpec grid) {

    /** The discrete variance-preserving schedule type (UniDiffuser, Stable Diffusion). */
    public static final String VP_DISCRETE = "vp-discrete";
    /** The rectified-flow schedule type. */
    public static final String FLOW = "flow";

    /** The parsed prediction type. */
    public PredictionType predictionType() {
        return PredictionType.fromManifestName(prediction);
    }

    /**
     * The manifest's explicit grid, resolved (call only on a validated manifest): the named grid or the
     * listed times exactly as written, never resampled.
     */
    public java.util.Optional<org.unidiff.sampling.solver.TimeGrid> timeGrid() {
        if (grid == null) {
            return java.util.Optional.empty();
        }
        if (grid.name() != null) {
            return org.unidiff.sampling.solver.NamedGrids.named(grid.name());
        }
        double[] t = new double[grid.times().size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = grid.times().get(i);
        }
        return java.util.Optional.of(org.unidiff.sampling.solver.TimeGrid.of(t));
    }

    /** Builds the schedule this spec describes (call only on a validated manifest). */
    public NoiseSchedule toNoiseSchedule() {
        if (VP_DISCRETE.equals(type)) {
            return DiscreteVpSchedule.of(BetaSchedule.fromManifestName(betaSchedule), betaStart, betaEnd, trainSteps);
        }
        if (FLOW.equals(type)) {
            return new FlowMatchingSchedule(trainSteps);
        }
        throw new IllegalStateException("unknown schedule type '" + type + "'");
    }
}
