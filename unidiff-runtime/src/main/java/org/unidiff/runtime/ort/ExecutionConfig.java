package org.unidiff.runtime.ort;

import java.util.Objects;

/**
 * How a bundle's sessions are created: the provider the caller wants, its options, whether a
 * CUDA request may quietly become CPU when CUDA cannot load, and the shared CPU thread pools.
 *
 * @param provider         the requested provider
 * @param cuda             CUDA settings (ignored for CPU)
 * @param allowCpuFallback when CUDA is requested and cannot load: true = log a warning and run on
 *                         CPU, false = fail with {@link ExecutionProviderException}
 * @param threads          sizes of the process-wide CPU pools (used by CPU kernels in both cases)
 */
public record ExecutionConfig(ExecutionProvider provider, CudaOptions cuda, boolean allowCpuFallback,
                              CpuThreads threads) {

    /** Checks for nulls. */
    public ExecutionConfig {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(cuda, "cuda");
        Objects.requireNonNull(threads, "threads");
    }

    /** CPU with ONNX Runtime's default thread counts. */
    public static ExecutionConfig cpu() {
        return new ExecutionConfig(ExecutionProvider.CPU, CudaOptions.defaults(), false, CpuThreads.runtimeDefault());
    }

    /** CUDA with the given options and no fallback. */
    public static ExecutionConfig cuda(CudaOptions options) {
        return new ExecutionConfig(ExecutionProvider.CUDA, options, false, CpuThreads.runtimeDefault());
    }

    /** This configuration allowing (or not) a logged fallback to CPU when CUDA cannot load. */
    public ExecutionConfig withCpuFallback(boolean allow) {
        return new ExecutionConfig(provider, cuda, allow, threads);
    }

    /** This configuration with other CPU thread pools. */
    public ExecutionConfig withThreads(CpuThreads cpuThreads) {
        return new ExecutionConfig(provider, cuda, allowCpuFallback, cpuThreads);
    }
}
