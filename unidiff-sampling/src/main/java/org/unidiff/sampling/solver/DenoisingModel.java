package org.unidiff.sampling.solver;

import org.unidiff.sampling.PredictionType;

/**
 * The function a solver integrates: from a flat state {@code x} at continuous time {@code t}
 * to a prediction of {@link #predictionType()} with the same length.
 *
 * <p>The state is flat so that any composite (image latent, CLIP token and text latent of a
 * whole batch) can be solved as one vector; a task plan maps it to and from the network's
 * tensors. One call is one model evaluation: a guided task makes all its passes inside it.
 */
public interface DenoisingModel {

    /** What {@link #predict} writes. */
    PredictionType predictionType();

    /**
     * Predicts at time {@code t}.
     *
     * @param x   the current state (must not be modified)
     * @param t   continuous time in (0, 1]
     * @param out receives the prediction, same length as {@code x}
     */
    void predict(double[] x, double t, double[] out);

    /** A model from a prediction type and a function. */
    static DenoisingModel of(PredictionType type, Function function) {
        return new DenoisingModel() {
            @Override
            public PredictionType predictionType() {
                return type;
            }

            @Override
            public void predict(double[] x, double t, double[] out) {
                function.predict(x, t, out);
            }
        };
    }

    /** The bare prediction function of {@link #of}. */
    @FunctionalInterface
    interface Function {
        /** See {@link DenoisingModel#predict}. */
        void predict(double[] x, double t, double[] out);
    }
}
