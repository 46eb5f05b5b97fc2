package org.unidiff.sampling.plan;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Objects;

/**
 * The joint transformer's inputs for {@code B} rows of {@code G} slots, in direct native-order
 * buffers that the runtime hands to ONNX Runtime without copying: {@code img} [B,G,C,h,w],
 * {@code clip_img} [B,G,1,Dc], {@code text} [B,G,L,Dt], {@code t_img} [B,G], {@code t_text}
 * [B,G] and, when the model takes it, {@code data_type} int64 [B]. All row-major.
 *
 * <p>Allocated once per sampling run and rewritten in place at every evaluation. Writers use
 * absolute indexing only, so every buffer's position stays 0 and its limit its capacity.
 */
public final class JointBatch {

    private final JointShape shape;
    private final int rows;
    private final FloatBuffer img;
    private final FloatBuffer clipImg;
    private final FloatBuffer text;
    private final FloatBuffer tImg;
    private final FloatBuffer tText;
    private final LongBuffer dataType;

    private JointBatch(JointShape shape, int rows, boolean withDataType) {
        this.shape = Objects.requireNonNull(shape, "shape");
        if (rows < 1) {
            throw new IllegalArgumentException("a batch needs at least 1 row, got " + rows);
        }
        this.rows = rows;
        long slots = (long) rows * shape.groupSize();
        this.img = NativeBuffers.floats("img", slots * shape.latentSize());
        this.clipImg = NativeBuffers.floats("clip_img", slots * shape.clipDim());
        this.text = NativeBuffers.floats("text", slots * shape.textSize());
        this.tImg = NativeBuffers.floats("t_img", slots);
        this.tText = NativeBuffers.floats("t_text", slots);
        this.dataType = withDataType ? NativeBuffers.longs("data_type", rows) : null;
    }

    /**
     * Allocates a batch.
     *
     * @param withDataType whether to hold a {@code data_type} input (UniDiffuser v1)
     * @throws IllegalArgumentException if {@code rows < 1} or a tensor exceeds one direct buffer
     */
    public static JointBatch allocate(JointShape shape, int rows, boolean withDataType) {
        return new JointBatch(shape, rows, withDataType);
    }

    /** The per-slot sizes and group size. */
    public JointShape shape() {
        return shape;
    }

    /** B, the number of rows. */
    public int rows() {
        return rows;
    }

    /** {@code img} [B,G,C,h,w]. */
    public FloatBuffer img() {
        return img;
    }

    /** {@code clip_img} [B,G,1,Dc]. */
    public FloatBuffer clipImg() {
        return clipImg;
    }

    /** {@code text} [B,G,L,Dt]. */
    public FloatBuffer text() {
        return text;
    }

    /** {@code t_img} [B,G], network timesteps. */
    public FloatBuffer tImg() {
        return tImg;
    }

    /** {@code t_text} [B,G], network timesteps. */
    public FloatBuffer tText() {
        return tText;
    }

    /** Whether this batch holds {@code data_type}. */
    public boolean hasDataType() {
        return dataType != null;
    }

    /**
     * {@code data_type} int64 [B].
     *
     * @throws IllegalStateException if the batch was allocated without it
     */
    public LongBuffer dataType() {
        if (dataType == null) {
            throw new IllegalStateException("this batch has no data_type input; allocate it with withDataType = true");
        }
        return dataType;
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

    /** The timestep buffer of a stream. */
    public FloatBuffer time(Stream stream) {
        return stream == Stream.IMAGE ? tImg : tText;
    }

    /** Index of the first value of (row, slot) in {@link #buffer(Part)}. */
    public int offset(Part part, int row, int slot) {
        return TensorIndex.offset(shape, rows, part, row, slot);
    }

    /** A copy of the values of one (row, slot) of a part. */
    public float[] read(Part part, int row, int slot) {
        return NativeBuffers.read(buffer(part), offset(part, row, slot), part.size(shape));
    }

    /** The network timestep of (row, slot) on a stream. */
    public float time(Stream stream, int row, int slot) {
        return time(stream).get(TensorIndex.slotIndex(shape, rows, row, slot));
    }

    /** The ONNX shape of a part's tensor: [B,G,C,h,w], [B,G,1,Dc] or [B,G,L,Dt]. */
    public long[] tensorShape(Part part) {
        return TensorIndex.tensorShape(shape, rows, part);
    }

    /** The ONNX shape of {@code t_img} and {@code t_text}: [B,G]. */
    public long[] timeShape() {
        return new long[] {rows, shape.groupSize()};
    }

    /** The ONNX shape of {@code data_type}: [B]. */
    public long[] dataTypeShape() {
        return new long[] {rows};
    }
}
