package org.unidiff.bench;

import org.unidiff.sampling.PredictionType;
import org.unidiff.sampling.plan.JointBatch;
import org.unidiff.sampling.plan.JointOutputs;
import org.unidiff.sampling.plan.JointPredictor;

/** A transformer decorator that adds up the time spent in its calls; the predictions are the wrapped one's. */
public final class TimedPredictor implements JointPredictor {

    private final JointPredictor inner;
    private long nanos;
    private int calls;

    /** Wraps a predictor. */
    public TimedPredictor(JointPredictor inner) {
        this.inner = inner;
    }

    @Override
    public PredictionType predictionType() {
        return inner.predictionType();
    }

    @Override
    public void predict(JointBatch inputs, JointOutputs outputs) {
        long start = System.nanoTime();
        try {
            inner.predict(inputs, outputs);
        } finally {
            nanos += System.nanoTime() - start;
            calls++;
        }
    }

    /** Time inside the wrapped predictor since the last reset, in nanoseconds. */
    public long nanos() {
        return nanos;
    }

    /** Calls since the last reset. */
    public int calls() {
        return calls;
    }

    /** Starts counting again from zero. */
    public void reset() {
        nanos = 0;
        calls = 0;
    }
}
