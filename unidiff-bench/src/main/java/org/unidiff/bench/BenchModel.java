package org.unidiff.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import org.unidiff.api.core.UnidiffOptions;
import org.unidiff.runtime.ort.CpuThreads;
import org.unidiff.runtime.ort.CudaOptions;
import org.unidiff.runtime.ort.ExecutionConfig;
import picocli.CommandLine.Option;

/**
 * Which bundle a benchmark opens, how, and with which solver: the options both benchmark commands share, as a
 * picocli mixin.
 */
final class BenchModel {

    @Option(names = "--bundle", paramLabel = "DIR", description = "Model bundle (default: the bundled default model).")
    Path bundle;

    @Option(names = "--steps", paramLabel = "N", description = "Solver steps (default: the bundle's).")
    Integer steps;

    @Option(names = "--sampler", paramLabel = "NAME", description = "Solver (default: the bundle's).")
    String sampler;

    @Option(names = "--threads", paramLabel = "N",
            description = "Intra-op threads of ONNX Runtime, and of torch for the Python reference (default: each "
                    + "library's choice).")
    Integer threads;

    @Option(names = "--cuda", description = "Run the Java side on the GPU through ONNX Runtime's CUDA provider "
            + "(the Python reference stays on CPU).")
    boolean cuda;

    @Option(names = "--variant", paramLabel = "NAME", description = "Load the bundle's model-file variant NAME where "
            + "it declares one (the default model: int8). Default: the main files.")
    String variant;

    /**
     * The library options for these settings.
     *
     * @throws IllegalArgumentException for a directory without a manifest, a thread count below 1 or a blank variant
     */
    UnidiffOptions options() {
        if (bundle != null && !Files.isRegularFile(bundle.resolve("unidiff.json"))) {
            throw new IllegalArgumentException("--bundle " + bundle + " is not a model bundle: "
                    + (Files.isDirectory(bundle) ? "it holds no unidiff.json" : "no such directory"));
        }
        if (threads != null && threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
        ExecutionConfig execution = cuda ? ExecutionConfig.cuda(CudaOptions.defaults()) : ExecutionConfig.cpu();
        if (threads != null) {
            execution = execution.withThreads(new CpuThreads(threads, 0));
        }
        return new UnidiffOptions(bundle, execution, variant);
    }
}
