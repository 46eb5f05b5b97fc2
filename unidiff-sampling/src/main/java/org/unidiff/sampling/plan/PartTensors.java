package org.unidiff.sampling.plan;

import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * The three per-slot tensors of the joint transformer for {@code B} rows of {@code G} slots, in
 * direct native-order buffers: the image latent [B,G,C,h,w], the CLIP token [B,G,1,Dc] and the
 * text latent [B,G,L,Dt], row-major. {@link JointBatch} (the inputs) and {@link JointOutputs}
 * (the outputs) are the two kinds; they share the layout, so indexing lives here once.
 *
 * <p>Writers use absolute indexing only, so every buffer's position stays 0 and its limit its
 * capacity.
 */
public abstract sealed class PartTensors permits JointBatch, JointOutputs {

    private final JointShape shape;
    private final int rows;
    private final FloatBuffer img;
    private final FloatBuffer clipImg;
    private final FloatBuffer text;

    /**
     * Allocates the three tensors.
     *
     * @param what the subject of the row-count error, e.g. "a batch needs"
     * @param names the tensors' names for error messages: image latent, CLIP token, text latent
     * @throws IllegalArgumentException if {@code rows < 1} or a tensor exceeds one direct buffer
     */
    PartTensors(JointShape shape, int rows, String what, String... names) {
        this.shape = Objects.requireNonNull(shape, "shape");
        if (rows < 1) {
            throw new IllegalArgumentException(what + " at least 1 row, got " + rows);
        }
        this.rows = rows;
        long slots = (long) rows * shape.groupSize();
        this.img = NativeBuffers.floats(names[0], slots * shape.latentSize());
        this.clipImg = NativeBuffers.floats(names[1], slots * shape.clipDim());
        this.text = NativeBuffers.floats(names[2], slots * shape.textSize());
    }

    /** The per-slot sizes and group size. */
    public final JointShape shape() {
        return shape;
    }

    /** B, the number of rows. */
    public final int rows() {
        return rows;
    }

    /** The image latents [B,G,C,h,w]. */
    public final FloatBuffer img() {
        return img;
    }

    /** The CLIP tokens [B,G,1,Dc]. */
    public final FloatBuffer clipImg() {
        return clipImg;
    }

    /** The text latents [B,G,L,Dt]. */
    public final FloatBuffer text() {
        return text;
    }

    /** The buffer of a part. */
    public final FloatBuffer buffer(Part part) {
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
    public final int offset(Part part, int row, int slot) {
        return TensorIndex.offset(shape, rows, part, row, slot);
    }

    /** A copy of the values of one (row, slot) of a part. */
    public final float[] read(Part part, int row, int slot) {
        return NativeBuffers.read(buffer(part), offset(part, row, slot), part.size(shape));
    }

    /** The ONNX shape of a part's tensor: [B,G,C,h,w], [B,G,1,Dc] or [B,G,L,Dt]. */
    public final long[] tensorShape(Part part) {
        return TensorIndex.tensorShape(shape, rows, part);
    }
}
