package org.unidiff.runtime.ort;

/**
 * A requested execution provider cannot be used (CUDA libraries missing, no device, ...), and the
 * caller did not allow a fallback. The message carries the native loader's own words.
 */
public final class ExecutionProviderException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with the native cause. */
    public ExecutionProviderException(String message, Throwable cause) {
        super(message, cause);
    }
}
