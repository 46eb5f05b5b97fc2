package org.unidiff.runtime.ort;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open ONNX Runtime session of a bundle component, with its declared inputs and outputs.
 * Every instance is counted while open ({@link #openCount()}) so tests and leak checks can prove
 * that a failed load or a closed bundle leaves no native session behind.
 */
public final class ModelSession implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelSession.class);
    private static final AtomicInteger OPEN = new AtomicInteger();

    private final String label;
    private final Path path;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final ExecutionProvider provider;
    private final Map<String, TensorSignature> inputs;
    private final Map<String, TensorSignature> outputs;
    private boolean closed;

    /**
     * Wraps a session, taking ownership of it (it is closed here if reading its signature fails).
     *
     * @param label       a name for messages, e.g. {@code "bundle-dir/vae_decoder"}
     * @param path        the model file
     * @param environment the environment that created the session
     * @param session     the session
     * @param provider    the provider the session runs on
     */
    ModelSession(String label, Path path, OrtEnvironment environment, OrtSession session, ExecutionProvider provider)
            throws OrtException {
        OPEN.incrementAndGet();
        this.label = label;
        this.path = path;
        this.environment = environment;
        this.session = session;
        this.provider = provider;
        try {
            this.inputs = signatures(session.getInputInfo());
            this.outputs = signatures(session.getOutputInfo());
        } catch (OrtException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private static Map<String, TensorSignature> signatures(Map<String, NodeInfo> infos) {
        Map<String, TensorSignature> out = new LinkedHashMap<>();
        for (Map.Entry<String, NodeInfo> e : infos.entrySet()) {
            if (e.getValue().getInfo() instanceof TensorInfo info) {
                out.put(e.getKey(), new TensorSignature(e.getKey(), true, info.type, info.getShape()));
            } else {
                out.put(e.getKey(), new TensorSignature(e.getKey(), false, ai.onnxruntime.OnnxJavaType.UNKNOWN,
                        new long[0]));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** Sessions open right now in this process. */
    public static int openCount() {
        return OPEN.get();
    }

    /** The label used in messages. */
    public String label() {
        return label;
    }

    /** The model file. */
    public Path path() {
        return path;
    }

    /** The environment, for creating input tensors. */
    public OrtEnvironment environment() {
        return environment;
    }

    /** The provider this session runs on. */
    public ExecutionProvider provider() {
        return provider;
    }

    /** Declared inputs by name, in the model's order. */
    public Map<String, TensorSignature> inputs() {
        return inputs;
    }

    /** Declared outputs by name, in the model's order. */
    public Map<String, TensorSignature> outputs() {
        return outputs;
    }

    /**
     * Runs the model. The caller closes the result (and its own input tensors).
     *
     * @param feeds       input tensors by name
     * @param outputNames the outputs to compute
     */
    public OrtSession.Result run(Map<String, ? extends OnnxTensorLike> feeds, Set<String> outputNames) throws OrtException {
        ensureOpen();
        return session.run(feeds, outputNames);
    }

    /**
     * Runs the model writing into caller-owned output tensors (no copy of the outputs).
     *
     * @param feeds         input tensors by name
     * @param pinnedOutputs output tensors by name, of the exact shapes the model produces
     */
    public void runInto(Map<String, ? extends OnnxTensorLike> feeds, Map<String, ? extends OnnxValue> pinnedOutputs)
            throws OrtException {
        ensureOpen();
        // With every output pinned the result holds no values of its own; closing it is still required.
        try (OrtSession.Result unused = session.run(feeds, pinnedOutputs)) {
            LOG.trace("{}: ran into {} pinned outputs", label, unused.size());
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(label + ": session is closed");
        }
    }

    /** Closes the native session; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        OPEN.decrementAndGet();
        try {
            session.close();
        } catch (OrtException e) {
            LOG.warn("{}: closing the ONNX Runtime session failed: {}", label, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return label + " (" + provider + ")";
    }
}
