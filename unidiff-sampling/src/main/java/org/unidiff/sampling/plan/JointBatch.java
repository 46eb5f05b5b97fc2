package org.unidiff.sampling.plan;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/**
 * The joint transformer's inputs for {@code B} rows of {@code G} slots, in direct native-order
 * buffers that the runtime hands to ONNX Runtime without copying: {@code img} [B,G,C,h,w],
 * {@code clip_img} [B,G,1,Dc], {@code text} [B,G,L,Dt] (see {@link PartTensors}), {@code t_img}
 * [B,G], {@code t_text} [B,G] and, when the model takes it, {@code data_type} int64 [B].
 *
 * <p>Allocated once per sampling run and rewritten in place at every evaluation.
 */
public final class JointBatch extends PartTensors {

    private final FloatBuffer tImg;
    private final FloatBuffer tText;
    private final LongBuffer dataType;

    private JointBatch(JointShape shape, int rows, boolean withDataType) {
        super(shape, rows, "a batch needs", "img", "clip_img", "text");
        long slots = (long) rows * shape.groupSize();
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

    /** The timestep buffer of a stream. */
    public FloatBuffer time(Stream stream) {
        return stream == Stream.IMAGE ? tImg : tText;
    }

    /** The network timestep of (row, slot) on a stream. */
    public float time(Stream stream, int row, int slot) {
        return time(stream).get(TensorIndex.slotIndex(shape(), rows(), row, slot));
    }

    /** The ONNX shape of {@code t_img} and {@code t_text}: [B,G]. */
    public long[] timeShape() {
        return new long[] {rows(), shape().groupSize()};
    }

    /** The ONNX shape of {@code data_type}: [B]. */
    public long[] dataTypeShape() {
        return new long[] {rows()};
    }
}
