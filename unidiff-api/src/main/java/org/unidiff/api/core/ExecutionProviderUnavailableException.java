package org.unidiff.api.core;

/**
 * The execution provider asked for (CUDA) cannot be used here (its libraries are missing, no
 * device, a driver too old) and falling back to the CPU was not allowed
 * ({@code ExecutionConfig.withCpuFallback(true)} allows it). The message carries the native
 * loader's own words; the runtime's report is the cause.
 */
public final class ExecutionProviderUnavailableException extends UnidiffException {

    private static final long serialVersionUID = 1L;

    /** The report, with the native loader's exception as the cause. */
    public ExecutionProviderUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
