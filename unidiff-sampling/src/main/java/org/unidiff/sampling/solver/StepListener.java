package org.unidiff.sampling.solver;

/**
 * Observes a solver run and may cancel it. Called on the solving thread before every model
 * evaluation; returning {@code false} makes the solver stop at once with a
 * {@link SamplingCancelledException}, so cancellation takes effect within one evaluation.
 */
@FunctionalInterface
public interface StepListener {

    /** A listener that never cancels and ignores progress. */
    StepListener NONE = event -> true;

    /**
     * @return {@code true} to go on, {@code false} to cancel
     */
    boolean onEvaluation(StepEvent event);
}
