package org.unidiff.options;

import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.runtime.ort.CpuThreads;
import org.unidiff.runtime.ort.CudaOptions;
import org.unidiff.runtime.ort.ExecutionConfig;
import picocli.CommandLine.Option;

/**
 * Where a model runs and which of its files load: {@code --cuda}, {@code --device N},
 * {@code --cpu-fallback}, {@code --threads N}, {@code --variant NAME}. A picocli mixin shared by
 * the CLI, the server and the benchmarks, declared and checked here only, so each flag means the
 * same on every front end. (The Spark jobs place work on the GPU Spark assigns a task and size
 * threads per executor, so they keep their own {@code --device cpu|cuda} and {@code --threads}
 * declarations, and check {@code --threads} and {@code --variant} with {@link #checkThreads} and
 * {@link #checkVariant}.)
 */
public final class ExecutionFlags {

    @Option(names = "--cuda", description = "Run on an NVIDIA GPU through ONNX Runtime's CUDA provider "
            + "(needs CUDA 12 and cuDNN 9 libraries and the CUDA build, mvn -Pcuda).")
    boolean cuda;

    @Option(names = "--device", paramLabel = "N", description = "CUDA device ordinal (with --cuda). Default: 0.")
    Integer device;

    @Option(names = "--cpu-fallback", description = "With --cuda: run on CPU with a warning when CUDA cannot "
            + "load, instead of failing.")
    boolean cpuFallback;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads inside one operator. "
            + "Default: ONNX Runtime's choice (one per physical core).")
    Integer threads;

    @Option(names = "--variant", paramLabel = "NAME", description = "Load the bundle's model-file variant NAME "
            + "where it declares one (the default model has int8: its transformer with int8 matrix multiplies, "
            + "about 0.7x the time a step). Default: the main files.")
    String variant;

    /**
     * Where the model runs, as these flags ask.
     *
     * @throws InvalidRequestException naming the flag, for flags that contradict each other or are out of range
     */
    public ExecutionConfig execution() {
        if (!cuda && device != null) {
            throw InvalidRequestException.described("--device", "used with --cuda (it picks the CUDA device)",
                    "--device " + device + " without --cuda");
        }
        if (!cuda && cpuFallback) {
            throw InvalidRequestException.described("--cpu-fallback", "used with --cuda (CPU is already the default)",
                    "--cpu-fallback without --cuda");
        }
        if (device != null && device < 0) {
            throw new InvalidRequestException("--device", "a CUDA device ordinal >= 0", device);
        }
        checkThreads(threads);
        ExecutionConfig execution = cuda
                ? ExecutionConfig.cuda(CudaOptions.defaults().withDevice(device == null ? 0 : device))
                        .withCpuFallback(cpuFallback)
                : ExecutionConfig.cpu();
        return threads == null ? execution : execution.withThreads(new CpuThreads(threads, 0));
    }

    /**
     * The variant asked for, or null for the main files.
     *
     * @throws InvalidRequestException for a blank name
     */
    public String variant() {
        return checkVariant(variant);
    }

    /** The thread count given, or null for the runtime's choice (unchecked: see {@link #execution()}). */
    public Integer threads() {
        return threads;
    }

    /** Whether {@code --cuda} was given. */
    public boolean cuda() {
        return cuda;
    }

    /**
     * Checks a thread count: null (the runtime's choice) or at least 1.
     *
     * @throws InvalidRequestException naming {@code --threads}
     */
    public static Integer checkThreads(Integer threads) {
        if (threads != null && threads < 1) {
            throw new InvalidRequestException("--threads", "at least 1", threads);
        }
        return threads;
    }

    /**
     * Checks a variant name: null (the main files) or not blank.
     *
     * @throws InvalidRequestException naming {@code --variant}
     */
    public static String checkVariant(String variant) {
        if (variant != null && variant.isBlank()) {
            throw InvalidRequestException.described("--variant", "a variant name, e.g. int8", "a blank name");
        }
        return variant;
    }
}
