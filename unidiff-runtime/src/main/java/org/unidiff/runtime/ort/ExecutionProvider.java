package org.unidiff.runtime.ort;

/** Where the models run. */
public enum ExecutionProvider {
    /** ONNX Runtime's CPU kernels. */
    CPU,
    /** NVIDIA GPUs through the CUDA execution provider (needs CUDA 12 and cuDNN 9 libraries). */
    CUDA
}
