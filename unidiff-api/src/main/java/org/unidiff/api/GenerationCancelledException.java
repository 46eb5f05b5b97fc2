package org.unidiff.api;

import java.util.concurrent.CancellationException;

/** A generation stopped by its {@link CancellationToken}. */
public final class GenerationCancelledException extends CancellationException {

    private static final long serialVersionUID = 1L;

    /** @param message where the run stopped */
    public GenerationCancelledException(String message) {
        super(message);
    }
}
