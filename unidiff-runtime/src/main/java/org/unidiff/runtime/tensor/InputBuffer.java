package org.unidiff.runtime.tensor;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;

/**
 * A direct, native-order buffer reused for one model input across calls, converting float data into
 * the element type the model declares. Tensors made from it alias its memory (ONNX Runtime does not
 * copy direct buffers), so a tensor must be closed before the buffer is refilled; components do both
 * inside one call.
 */
public final class InputBuffer {

    private final ElementType type;
    private ByteBuffer bytes;

    /** A buffer for an input of this element type. */
    public InputBuffer(ElementType type) {
        this.type = type;
        this.bytes = allocate(0);
    }

    /** The input's element type. */
    public ElementType type() {
        return type;
    }

    /**
     * A tensor holding {@code data[offset, offset + count)} converted to the input's floating type.
     *
     * @throws IllegalArgumentException if the shape does not hold {@code count} elements or the input is int64
     */
    public OnnxTensor floats(OrtEnvironment env, float[] data, int offset, int count, long[] shape) throws OrtException {
        return floats(env, FloatBuffer.wrap(data, offset, count).slice(), shape);
    }

    /**
     * A tensor holding the remaining floats of {@code data} converted to the input's floating type;
     * a direct native-order float32 buffer is handed over without a copy.
     */
    public OnnxTensor floats(OrtEnvironment env, FloatBuffer data, long[] shape) throws OrtException {
        int count = data.remaining();
        checkCount(shape, count);
        switch (type) {
            case FLOAT32: {
                if (data.isDirect() && data.order() == ByteOrder.nativeOrder()) {
                    return OnnxTensor.createTensor(env, data, shape);
                }
                FloatBuffer target = ensure(count * 4L).asFloatBuffer();
                target.put(data.duplicate());
                target.flip();
                return OnnxTensor.createTensor(env, target, shape);
            }
            case FLOAT16: {
                ShortBuffer target = ensure(count * 2L).asShortBuffer();
                Float16.fromFloats(data, target, count);
                target.limit(count);
                return OnnxTensor.createTensor(env, target, shape, OnnxJavaType.FLOAT16);
            }
            default:
                throw new IllegalArgumentException("this input takes " + type + ", not floating-point values");
        }
    }

    /** A tensor holding int64 values (token ids, data_type). */
    public OnnxTensor longs(OrtEnvironment env, long[] data, long[] shape) throws OrtException {
        if (type != ElementType.INT64) {
            throw new IllegalArgumentException("this input takes " + type + ", not int64 values");
        }
        checkCount(shape, data.length);
        LongBuffer target = ensure(data.length * 8L).asLongBuffer();
        target.put(data);
        target.flip();
        return OnnxTensor.createTensor(env, target, shape);
    }

    private static void checkCount(long[] shape, int count) {
        long product = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor shape " + Arrays.toString(shape) + " has a negative dimension");
            }
            product *= d;
        }
        if (product != count) {
            throw new IllegalArgumentException("tensor shape " + Arrays.toString(shape) + " holds " + product
                    + " elements but " + count + " values were given");
        }
    }

    private ByteBuffer ensure(long byteCount) {
        if (byteCount > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("input of " + byteCount + " bytes exceeds a direct buffer's 2 GiB limit");
        }
        if (bytes.capacity() < byteCount) {
            bytes = allocate((int) byteCount);
        }
        bytes.clear();
        return bytes;
    }

    private static ByteBuffer allocate(int size) {
        return ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
    }
}
