package org.unidiff.sampling.solver;

/**
 * A sampler that integrates a {@link DenoisingModel} from the noisy end of its time grid to the
 * clean end. Implementations are immutable (configuration fixed at construction) and may be
 * used from several threads at once: all run state lives inside {@link #sample}.
 */
public interface Solver {

    /** A short name for logs and result metadata, e.g. {@code "dpm-solver-3 singlestep, 50 steps"}. */
    String describe();

    /** The time grid the solver steps over, from noisy to clean. */
    TimeGrid grid();

    /** The number of model evaluations one {@link #sample} call makes. */
    int evaluations();

    /**
     * Runs the solver.
     *
     * @param model        the model to integrate
     * @param initialState the state at the first grid time (not modified)
     * @param listener     called before every model evaluation; may cancel
     * @return the final state at the last grid time
     * @throws SamplingCancelledException if the listener cancelled
     */
    double[] sample(DenoisingModel model, double[] initialState, StepListener listener);
}
