/**
 * ONNX Runtime plumbing: the process-wide environment with shared CPU thread pools, execution
 * providers (CPU, CUDA with an explicit fallback policy) and counted sessions.
 */
package org.unidiff.runtime.ort;
