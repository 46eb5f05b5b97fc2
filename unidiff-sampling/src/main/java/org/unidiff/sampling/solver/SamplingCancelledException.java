package org.unidiff.sampling.solver;

import java.util.concurrent.CancellationException;

/** Thrown by a solver when its {@link StepListener} asked it to stop. */
public final class SamplingCancelledException extends CancellationException {

    private static final long serialVersionUID = 1L;

    /** The evaluation at which the run stopped, from 0. */
    private final int evaluation;

    /** @param evaluation the evaluation index at which the listener cancelled */
    public SamplingCancelledException(int evaluation) {
        super("sampling cancelled before model evaluation " + evaluation);
        this.evaluation = evaluation;
    }

    /** The evaluation index at which the listener cancelled. */
    public int evaluation() {
        return evaluation;
    }
}
