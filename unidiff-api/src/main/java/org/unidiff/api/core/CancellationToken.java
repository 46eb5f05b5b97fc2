package org.unidiff.api.core;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Lets another thread stop a running generation. The run stops before its next model
 * evaluation with a {@link GenerationCancelledException}; the pipeline stays usable.
 * A token is single-use: once cancelled it stays cancelled.
 */
public final class CancellationToken {

    private final AtomicBoolean cancelled = new AtomicBoolean();

    /** Asks the run holding this token to stop. Safe from any thread. */
    public void cancel() {
        cancelled.set(true);
    }

    /** Whether {@link #cancel()} was called. */
    public boolean isCancelled() {
        return cancelled.get();
    }
}
