package org.unidiff.api.core;

/** Receives {@link Progress} on the generating thread; keep it quick. */
@FunctionalInterface
public interface ProgressListener {

    /** A listener that ignores progress. */
    ProgressListener NONE = progress -> { };

    /** Called before each model evaluation. */
    void onProgress(Progress progress);
}
