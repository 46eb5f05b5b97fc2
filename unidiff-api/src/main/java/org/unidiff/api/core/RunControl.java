package org.unidiff.api.core;

/**
 * Progress reporting and cancellation for one call.
 *
 * @param progress     receives progress before each model evaluation (null for none)
 * @param cancellation stops the call when cancelled (null for none)
 */
public record RunControl(ProgressListener progress, CancellationToken cancellation) {

    /** Neither progress nor cancellation. */
    public static final RunControl NONE = new RunControl(null, null);

    /** Fills in no-op defaults. */
    public RunControl {
        progress = progress == null ? ProgressListener.NONE : progress;
        cancellation = cancellation == null ? new CancellationToken() : cancellation;
    }

    /** Progress only. */
    public static RunControl progress(ProgressListener listener) {
        return new RunControl(listener, null);
    }

    /** Cancellation only. */
    public static RunControl cancellable(CancellationToken token) {
        return new RunControl(null, token);
    }
}
