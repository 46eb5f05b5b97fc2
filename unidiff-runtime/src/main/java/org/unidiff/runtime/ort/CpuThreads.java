package org.unidiff.runtime.ort;

/**
 * Sizes of the process-wide CPU thread pools that every session shares.
 *
 * @param intraOpThreads threads inside one operator; 0 lets ONNX Runtime choose (one per physical core)
 * @param interOpThreads threads running independent operators in parallel; 0 lets ONNX Runtime choose
 */
public record CpuThreads(int intraOpThreads, int interOpThreads) {

    /** Validates the counts. */
    public CpuThreads {
        if (intraOpThreads < 0 || interOpThreads < 0) {
            throw new IllegalArgumentException("thread counts must be >= 0 (0 = ONNX Runtime's choice), got intra "
                    + intraOpThreads + ", inter " + interOpThreads);
        }
    }

    /** ONNX Runtime's own choice for both pools. */
    public static CpuThreads runtimeDefault() {
        return new CpuThreads(0, 0);
    }
}
