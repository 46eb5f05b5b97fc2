package org.unidiff.api.core;

import java.nio.file.Path;
import java.util.Optional;
import org.unidiff.runtime.ort.ExecutionConfig;

/**
 * How {@link org.unidiff.api.Unidiff} opens a model.
 *
 * @param bundle    the bundle directory, or null for the bundled default model ({@link DefaultBundle})
 * @param execution execution provider, CUDA options, CPU fallback policy and CPU threads
 *                  (null for CPU with ONNX Runtime's default threads); the precision of each
 *                  component is the bundle's own (float32 or float16, read from each ONNX input)
 * @param variant   the name of a model-file variant to load where the bundle declares it (e.g.
 *                  {@code "int8"}), or null for the main files; see {@link #withVariant(String)}
 */
public record UnidiffOptions(Path bundle, ExecutionConfig execution, String variant) {

    /** Fills in the CPU default; a variant name must not be blank. */
    public UnidiffOptions {
        execution = execution == null ? ExecutionConfig.cpu() : execution;
        if (variant != null && variant.isBlank()) {
            throw new InvalidRequestException("variant", "a name from the bundle's manifest, or null for the main files",
                    variant);
        }
    }

    /** The main model files of {@code bundle} (null = the bundled default) with {@code execution}. */
    public UnidiffOptions(Path bundle, ExecutionConfig execution) {
        this(bundle, execution, null);
    }

    /** The bundled default model on CPU. */
    public static UnidiffOptions defaults() {
        return new UnidiffOptions(null, null, null);
    }

    /** A copy that opens the given bundle directory. */
    public UnidiffOptions withBundle(Path directory) {
        return new UnidiffOptions(directory, execution, variant);
    }

    /** A copy with another execution configuration. */
    public UnidiffOptions withExecution(ExecutionConfig config) {
        return new UnidiffOptions(bundle, config, variant);
    }

    /**
     * A copy that loads the named variant of every component that declares one (the manifest's
     * {@code components.<key>.variants}; the default model has {@code "int8"}, a transformer with
     * int8 matrix multiplies), or the main files for null. Opening fails, naming the declared
     * variants, when no component has this one.
     */
    public UnidiffOptions withVariant(String name) {
        return new UnidiffOptions(bundle, execution, name);
    }

    /** The bundle directory, if one was named. */
    public Optional<Path> bundleIfSet() {
        return Optional.ofNullable(bundle);
    }
}
