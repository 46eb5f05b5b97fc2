package org.unidiff.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import org.unidiff.api.UnidiffOptions;
import org.unidiff.runtime.ort.CpuThreads;
import org.unidiff.runtime.ort.CudaOptions;
import org.unidiff.runtime.ort.ExecutionConfig;

/** Which bundle a benchmark opens and how: the options both commands share. */
final class BenchModel {

    private BenchModel() {
    }

    /**
     * The library options for a bundle directory (null for the default bundle), optional CUDA and intra-op
     * thread count (null for ONNX Runtime's choice).
     *
     * @throws IllegalArgumentException for a directory without a manifest or a thread count below 1
     */
    static UnidiffOptions options(Path bundle, boolean cuda, Integer threads) {
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
        return new UnidiffOptions(bundle, execution);
    }
}
