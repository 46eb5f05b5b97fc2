package org.unidiff.api.core;

/** A generation stopped by its {@link CancellationToken}; the instance stays usable. */
public final class GenerationCancelledException extends UnidiffException {

    private static final long serialVersionUID = 1L;

    /** @param message where the run stopped */
    public GenerationCancelledException(String message) {
        super(message);
    }
}
