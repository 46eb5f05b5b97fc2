package org.unidiff.runtime.ort;

/**
 * Settings of the CUDA execution provider.
 *
 * @param deviceId         the CUDA device ordinal
 * @param gpuMemLimitBytes the most memory the provider's arena may take; 0 means no limit
 * @param convAlgoSearch   how cuDNN picks convolution algorithms
 * @param arenaExtend      how the memory arena grows
 */
public record CudaOptions(int deviceId, long gpuMemLimitBytes, ConvAlgoSearch convAlgoSearch, ArenaExtend arenaExtend) {

    /** cuDNN convolution algorithm search ({@code cudnn_conv_algo_search}). */
    public enum ConvAlgoSearch {
        /** Benchmark every algorithm once per shape: slow first run, fastest after. */
        EXHAUSTIVE,
        /** Ask cuDNN's heuristics. */
        HEURISTIC,
        /** Always the default algorithm. */
        DEFAULT
    }

    /** Arena growth ({@code arena_extend_strategy}). */
    public enum ArenaExtend {
        /** Double the arena when it runs out (ONNX Runtime's default). */
        NEXT_POWER_OF_TWO("kNextPowerOfTwo"),
        /** Grow by exactly what is requested: less waste, more allocations. */
        SAME_AS_REQUESTED("kSameAsRequested");

        private final String ortName;

        ArenaExtend(String ortName) {
            this.ortName = ortName;
        }

        /** The spelling ONNX Runtime's provider options take. */
        public String ortName() {
            return ortName;
        }
    }

    /** Validates the values. */
    public CudaOptions {
        if (deviceId < 0) {
            throw new IllegalArgumentException("CUDA device id must be >= 0, got " + deviceId);
        }
        if (gpuMemLimitBytes < 0) {
            throw new IllegalArgumentException("GPU memory limit must be >= 0 bytes (0 = no limit), got "
                    + gpuMemLimitBytes);
        }
        if (convAlgoSearch == null || arenaExtend == null) {
            throw new IllegalArgumentException("convAlgoSearch and arenaExtend must not be null");
        }
    }

    /** Device 0, no memory limit, exhaustive search, power-of-two arena: ONNX Runtime's defaults. */
    public static CudaOptions defaults() {
        return new CudaOptions(0, 0, ConvAlgoSearch.EXHAUSTIVE, ArenaExtend.NEXT_POWER_OF_TWO);
    }

    /** These options on another device. */
    public CudaOptions withDevice(int id) {
        return new CudaOptions(id, gpuMemLimitBytes, convAlgoSearch, arenaExtend);
    }

    /** These options with a memory limit in bytes (0 = none). */
    public CudaOptions withGpuMemLimit(long bytes) {
        return new CudaOptions(deviceId, bytes, convAlgoSearch, arenaExtend);
    }

    /** These options with another convolution search. */
    public CudaOptions withConvAlgoSearch(ConvAlgoSearch search) {
        return new CudaOptions(deviceId, gpuMemLimitBytes, search, arenaExtend);
    }

    /** These options with another arena strategy. */
    public CudaOptions withArenaExtend(ArenaExtend strategy) {
        return new CudaOptions(deviceId, gpuMemLimitBytes, convAlgoSearch, strategy);
    }
}
