package org.unidiff.api.core;

/**
 * Progress of a generation, reported once per model evaluation of the transformer.
 *
 * @param stage            what is running, e.g. "text-to-image" or "image-variation: caption latent"
 * @param evaluation       evaluations done before this one in this stage, from 0
 * @param totalEvaluations evaluations in this stage
 * @param stageIndex       index of this stage, from 0 (variations have two)
 * @param stageCount       number of stages of the request
 */
public record Progress(String stage, int evaluation, int totalEvaluations, int stageIndex, int stageCount) {

    /** Overall completed fraction in [0, 1). */
    public double fraction() {
        return (stageIndex + evaluation / (double) totalEvaluations) / stageCount;
    }
}
