package org.unidiff.sampling.plan;

import org.unidiff.sampling.PredictionType;

/**
 * One batched call of the joint transformer; the runtime implements it over an ONNX session.
 * {@link GuidedJointModel} calls it exactly once per model evaluation with every pass of every
 * sample in one batch.
 */
public interface JointPredictor {

    /** What the outputs are (epsilon for UniDiffuser, velocity for flow-matching models). */
    PredictionType predictionType();

    /**
     * Runs the transformer on all rows of {@code inputs} and writes every output tensor of
     * {@code outputs} completely. Must not keep references to either after returning.
     *
     * @param inputs  filled by the caller; not modified
     * @param outputs same shape and row count as {@code inputs}
     */
    void predict(JointBatch inputs, JointOutputs outputs);
}
