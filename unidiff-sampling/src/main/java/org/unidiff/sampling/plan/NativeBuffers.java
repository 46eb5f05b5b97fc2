package org.unidiff.sampling.plan;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/** Direct, native-order buffers, the layout ONNX Runtime wraps without copying. */
final class NativeBuffers {

    private NativeBuffers() {
    }

    static FloatBuffer floats(String what, long count) {
        return ByteBuffer.allocateDirect(bytes(what, count, Float.BYTES)).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    static LongBuffer longs(String what, long count) {
        return ByteBuffer.allocateDirect(bytes(what, count, Long.BYTES)).order(ByteOrder.nativeOrder()).asLongBuffer();
    }

    private static int bytes(String what, long count, int size) {
        long bytes = count * size;
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor " + what + " would need " + bytes + " bytes, more than one direct "
                    + "buffer holds (" + Integer.MAX_VALUE + "); use fewer rows per batch");
        }
        return (int) bytes;
    }

    static float[] read(FloatBuffer buffer, int offset, int length) {
        float[] out = new float[length];
        buffer.get(offset, out, 0, length);
        return out;
    }
}
