package org.unidiff.runtime.tensor;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;

/** Reads floating model outputs as float32, converting float16 at the boundary. */
public final class OutputReader {

    private OutputReader() {
    }

    /** The named output of a result as a tensor, with a clear error when the model did not produce it. */
    public static OnnxTensor tensor(OrtSession.Result result, String name) {
        OnnxValue value = result.get(name)
                .orElseThrow(() -> new IllegalStateException("model produced no output '" + name + "'"));
        if (!(value instanceof OnnxTensor tensor)) {
            throw new IllegalStateException("output '" + name + "' is " + value.getType() + ", not a tensor");
        }
        return tensor;
    }

    /**
     * The tensor's values as floats, checking that its shape is {@code expectedShape}
     * (entries below 0 match anything).
     */
    public static float[] floats(OnnxTensor tensor, long[] expectedShape) {
        long[] shape = tensor.getInfo().getShape();
        boolean ok = shape.length == expectedShape.length;
        for (int i = 0; ok && i < shape.length; i++) {
            ok = expectedShape[i] < 0 || expectedShape[i] == shape[i];
        }
        if (!ok) {
            throw new IllegalStateException("model output has shape " + Arrays.toString(shape) + ", expected "
                    + Arrays.toString(expectedShape));
        }
        long count = tensor.getInfo().getNumElements();
        float[] out = new float[Math.toIntExact(count)];
        into(tensor, FloatBuffer.wrap(out));
        return out;
    }

    /** Writes the tensor's values as floats into {@code dst} from its position. */
    public static void into(OnnxTensor tensor, FloatBuffer dst) {
        OnnxJavaType type = tensor.getInfo().type;
        int count = Math.toIntExact(tensor.getInfo().getNumElements());
        if (type == OnnxJavaType.FLOAT) {
            FloatBuffer src = tensor.getFloatBuffer();
            dst.duplicate().put(src);
        } else if (type == OnnxJavaType.FLOAT16) {
            ShortBuffer src = tensor.getShortBuffer();
            Float16.toFloats(src, dst, count);
        } else {
            throw new IllegalStateException("expected a float32 or float16 output, got " + type);
        }
    }
}
