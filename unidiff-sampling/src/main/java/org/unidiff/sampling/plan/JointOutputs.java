package org.unidiff.sampling.plan;

import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * The joint transformer's outputs for {@code B} rows of {@code G} slots, in direct native-order
 * buffers: {@code img_out} [B,G,C,h,w], {@code clip_img_out} [B,G,1,Dc], {@code text_out}
 * [B,G,L,Dt], row-major, of the predictor's {@link org.unidiff.sampling.PredictionType}.
 * Allocated once and overwritten by every {@link JointPredictor#predict} call; positions stay 0.
 */
public final class JointOutputs {

    private final JointShape shape;
    private final int rows;
    private final FloatBuffer img;
    private final FloatBuffer clipImg;
    private final FloatBuffer text;

    private JointOutputs(JointShape shape, int rows) {
        this.shape = Objects.requireNonNull(shape, "shape");
        if (rows < 1) {
            throw new IllegalArgumentException("outputs need at least 1 row, got " + rows);
        }
        this.rows = rows;
        long slots = (long) rows * shape.groupSize();
        this.img = NativeBuffers.floats("img_out", slots * shape.latentSize());
        this.clipImg = NativeBuffers.floats("clip_img_out", slots * shape.clipDim());
        this.text = NativeBuffers.floats("text_out", slots * shape.textSize());
    }

    /**
     * Allocates outputs for {@code rows} rows.
     *
     * @throws IllegalArgumentException if {@code rows < 1} or a tensor exceeds one direct buffer
     */
    public static JointOutputs allocate(JointShape shape, int rows) {
        return new JointOutputs(shape, rows);
    }

    /** The per-slot sizes and group size. */
    public JointShape shape() {
        return shape;
    }

    /** B, the number of rows. */
    public int rows() {
        return rows;
    }

    /** {@code img_out} [B,G,C,h,w]. */
    public FloatBuffer img() {
        return img;
    }

    /** {@code clip_img_out} [B,G,1,Dc]. */
    public FloatBuffer clipImg() {
        return clipImg;
    }

    /** {@code text_out} [B,G,L,Dt]. */
    public FloatBuffer text() {
        return text;
    }

    /** The buffer of a part. */
    public FloatBuffer buffer(Part part) {
        switch (part) {
            case IMAGE_LATENT:
                return img;
            case CLIP:
                return clipImg;
            default:
                return text;
        }
    }

    /** Index of the first value of (row, slot) in {@link #buffer(Part)}. */
    public int offset(Part part, int row, int slot) {
        return TensorIndex.offset(shape, rows, part, row, slot);
    }

    /** A copy of the values of one (row, slot) of a part. */
    public float[] read(Part part, int row, int slot) {
        return NativeBuffers.read(buffer(part), offset(part, row, slot), part.size(shape));
    }

    /** The ONNX shape of a part's tensor. */
    public long[] tensorShape(Part part) {
        return TensorIndex.tensorShape(shape, rows, part);
    }
}
