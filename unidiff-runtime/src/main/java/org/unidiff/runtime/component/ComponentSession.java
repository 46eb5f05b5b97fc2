package org.unidiff.runtime.component;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.unidiff.runtime.ort.ModelSession;
import org.unidiff.runtime.ort.TensorSignature;
import org.unidiff.runtime.tensor.ElementType;
import org.unidiff.runtime.tensor.InputBuffer;
import org.unidiff.runtime.tensor.OutputReader;

/**
 * A component's session with one reusable input buffer per input (in the element type the model
 * declares), and the plumbing every component shares: build tensors, run, read float outputs,
 * close everything native before returning.
 */
final class ComponentSession {

    private final ModelSession session;
    private final Map<String, InputBuffer> buffers = new HashMap<>();

    ComponentSession(ModelSession session) {
        this.session = session;
        for (TensorSignature s : session.inputs().values()) {
            ElementType type = s.elementType().orElseThrow(() -> new IllegalStateException(
                    session.label() + ": input " + s + " has a type the contract does not allow"));
            buffers.put(s.name(), new InputBuffer(type));
        }
    }

    ModelSession session() {
        return session;
    }

    /** The element type the model declares for an input. */
    ElementType inputType(String name) {
        return buffer(name).type();
    }

    /** The element type the model declares for an output. */
    ElementType outputType(String name) {
        return session.outputs().get(name).elementType().orElseThrow();
    }

    /** A call's inputs: floats or longs per name, converted into each input's declared type. */
    final class Feed implements AutoCloseable {
        private final Map<String, OnnxTensor> tensors = new LinkedHashMap<>();

        Feed floats(String name, float[] data, long[] shape) throws OrtException {
            return put(name, buffer(name).floats(session.environment(), data, 0, data.length, shape));
        }

        Feed floats(String name, FloatBuffer data, long[] shape) throws OrtException {
            return put(name, buffer(name).floats(session.environment(), data, shape));
        }

        Feed longs(String name, long[] data, long[] shape) throws OrtException {
            return put(name, buffer(name).longs(session.environment(), data, shape));
        }

        private Feed put(String name, OnnxTensor tensor) {
            OnnxTensor old = tensors.put(name, tensor);
            if (old != null) {
                old.close();
            }
            return this;
        }

        Map<String, OnnxTensor> tensors() {
            return tensors;
        }

        @Override
        public void close() {
            for (OnnxTensor t : tensors.values()) {
                t.close();
            }
        }
    }

    Feed feed() {
        return new Feed();
    }

    /** Runs and returns the named float output, checking its shape (entries < 0 match anything). */
    float[] runFloats(Feed feed, String output, long[] expectedShape) throws OrtException {
        try (OrtSession.Result result = session.run(feed.tensors(), Set.of(output))) {
            return OutputReader.floats(OutputReader.tensor(result, output), expectedShape);
        }
    }

    private InputBuffer buffer(String name) {
        InputBuffer b = buffers.get(name);
        if (b == null) {
            throw new IllegalStateException(session.label() + " has no input '" + name + "'");
        }
        return b;
    }

    static void checkBatch(String what, float[] data, int batch, int perItem) {
        if (batch < 1) {
            throw new IllegalArgumentException(what + ": batch must be >= 1, got " + batch);
        }
        if (data.length != (long) batch * perItem) {
            throw new IllegalArgumentException(what + ": expected " + batch + " x " + perItem + " = "
                    + (long) batch * perItem + " values, got " + data.length);
        }
    }

    static IllegalStateException failure(ModelSession session, OrtException e) {
        return new IllegalStateException(session.label() + ": ONNX Runtime failed: " + e.getMessage(), e);
    }
}
