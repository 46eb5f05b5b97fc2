package org.unidiff.sampling.solver;

import java.util.Objects;
import org.unidiff.sampling.PredictionType;

/** Argument checks and progress announcements every solver's {@code sample} shares. */
final class SolverRuns {

    private SolverRuns() {
    }

    /**
     * Checks the arguments of {@link Solver#sample} and returns the model's prediction type.
     *
     * @throws NullPointerException     naming the missing argument
     * @throws IllegalArgumentException if the state is empty
     */
    static PredictionType checkArguments(DenoisingModel model, double[] initialState, StepListener listener) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(initialState, "initialState");
        Objects.requireNonNull(listener, "listener (use StepListener.NONE for none)");
        PredictionType type = Objects.requireNonNull(model.predictionType(), "model.predictionType()");
        if (initialState.length == 0) {
            throw new IllegalArgumentException("initialState is empty; expected at least one value");
        }
        return type;
    }

    /**
     * Tells the listener that evaluation {@code index} of {@code total} at time {@code t} is next.
     *
     * @throws SamplingCancelledException if the listener asks to stop
     */
    static void announce(StepListener listener, int index, int total, double t) {
        if (!listener.onEvaluation(new StepEvent(index, total, t))) {
            throw new SamplingCancelledException(index);
        }
    }
}
