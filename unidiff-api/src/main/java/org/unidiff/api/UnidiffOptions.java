package org.unidiff.api;

import java.nio.file.Path;
import java.util.Optional;
import org.unidiff.runtime.ort.ExecutionConfig;

/**
 * How {@link Unidiff} opens a model.
 *
 * @param bundle    the bundle directory, or null for the bundled default model ({@link DefaultBundle})
 * @param execution execution provider, CUDA options, CPU fallback policy and CPU threads
 *                  (null for CPU with ONNX Runtime's default threads); the precision of each
 *                  component is the bundle's own (float32 or float16, read from each ONNX input)
 */
public record UnidiffOptions(Path bundle, ExecutionConfig execution) {

    /** Fills in the CPU default. */
    public UnidiffOptions {
        execution = execution == null ? ExecutionConfig.cpu() : execution;
    }

    /** The bundled default model on CPU. */
    public static UnidiffOptions defaults() {
        return new UnidiffOptions(null, null);
    }

    /** A copy that opens the given bundle directory. */
    public UnidiffOptions withBundle(Path directory) {
        return new UnidiffOptions(directory, execution);
    }

    /** A copy with another execution configuration. */
    public UnidiffOptions withExecution(ExecutionConfig config) {
        return new UnidiffOptions(bundle, config);
    }

    /** The bundle directory, if one was named. */
    public Optional<Path> bundleIfSet() {
        return Optional.ofNullable(bundle);
    }
}
