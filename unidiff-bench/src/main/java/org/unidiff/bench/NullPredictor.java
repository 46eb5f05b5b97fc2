package org.unidiff.bench;

import java.nio.FloatBuffer;
import org.unidiff.sampling.PredictionType;
import org.unidiff.sampling.plan.JointBatch;
import org.unidiff.sampling.plan.JointOutputs;
import org.unidiff.sampling.plan.JointPredictor;

/**
 * A transformer that predicts zeros at no cost, so that a solver run with it measures the sampler alone: noise,
 * guidance, batch packing and solver updates.
 */
public final class NullPredictor implements JointPredictor {

    private final PredictionType type;

    /** A predictor of zeros of the given kind. */
    public NullPredictor(PredictionType type) {
        this.type = type;
    }

    @Override
    public PredictionType predictionType() {
        return type;
    }

    @Override
    public void predict(JointBatch inputs, JointOutputs outputs) {
        zero(outputs.img());
        zero(outputs.clipImg());
        zero(outputs.text());
    }

    private static void zero(FloatBuffer b) {
        FloatBuffer d = b.duplicate();
        d.clear();
        while (d.hasRemaining()) {
            d.put(0f);
        }
    }
}
