package org.unidiff.bench;

import java.util.Arrays;
import org.unidiff.api.engine.EngineHooks;
import org.unidiff.sampling.PredictionType;
import org.unidiff.sampling.plan.JointBatch;
import org.unidiff.sampling.plan.JointOutputs;
import org.unidiff.sampling.plan.JointPredictor;

/**
 * Engine hooks that keep the duration of every transformer call (and its batch rows) made on one thread since the
 * last {@link #reset()}, so a benchmark can set the engine's per-call time beside a peer's.
 */
public final class CallClock implements EngineHooks {

    private long[] nanos = new long[64];
    private int count;
    private int rows;

    @Override
    public JointPredictor transformer(JointPredictor real) {
        return new JointPredictor() {
            @Override
            public PredictionType predictionType() {
                return real.predictionType();
            }

            @Override
            public void predict(JointBatch inputs, JointOutputs outputs) {
                long start = System.nanoTime();
                real.predict(inputs, outputs);
                record(System.nanoTime() - start, inputs.rows());
            }
        };
    }

    private void record(long duration, int batchRows) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = duration;
        rows = batchRows;
    }

    /** Forgets the calls so far. */
    public void reset() {
        count = 0;
        rows = 0;
    }

    /** The durations of the calls since the last reset, in nanoseconds. */
    public long[] calls() {
        return Arrays.copyOf(nanos, count);
    }

    /** Batch rows of the last call (0 before any). */
    public int rows() {
        return rows;
    }
}
