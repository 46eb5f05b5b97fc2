package org.unidiff.sampling.plan;

/**
 * The joint transformer's outputs for {@code B} rows of {@code G} slots: {@code img_out}
 * [B,G,C,h,w], {@code clip_img_out} [B,G,1,Dc], {@code text_out} [B,G,L,Dt] (see
 * {@link PartTensors}), of the predictor's {@link org.unidiff.sampling.PredictionType}.
 * Allocated once and overwritten by every {@link JointPredictor#predict} call.
 */
public final class JointOutputs extends PartTensors {

    private JointOutputs(JointShape shape, int rows) {
        super(shape, rows, "outputs need", "img_out", "clip_img_out", "text_out");
    }

    /**
     * Allocates outputs for {@code rows} rows.
     *
     * @throws IllegalArgumentException if {@code rows < 1} or a tensor exceeds one direct buffer
     */
    public static JointOutputs allocate(JointShape shape, int rows) {
        return new JointOutputs(shape, rows);
    }
}
