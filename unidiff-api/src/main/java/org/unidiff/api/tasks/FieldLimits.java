package org.unidiff.api.tasks;

/**
 * Bounds on what one request may carry, applied while its fields are read (before any model
 * work): each front end sets its own (a server from its configuration, the CLI the defaults).
 *
 * @param maxPromptChars longest prompt or caption, in characters
 * @param maxImagePixels most pixels (width x height) of one input image, checked before decoding
 * @param maxSteps       most solver steps
 * @param maxOutputs     most outputs of one request
 * @param maxEntries     most entries of one list field (group slots, example pairs)
 */
public record FieldLimits(int maxPromptChars, long maxImagePixels, int maxSteps, int maxOutputs, int maxEntries) {

    /** Checks that every bound is positive. */
    public FieldLimits {
        if (maxPromptChars < 1 || maxImagePixels < 1 || maxSteps < 1 || maxOutputs < 1 || maxEntries < 1) {
            throw new IllegalArgumentException("every field limit must be positive, found " + maxPromptChars + ", "
                    + maxImagePixels + ", " + maxSteps + ", " + maxOutputs + ", " + maxEntries);
        }
    }

    /** Bounds for a local caller: 4096 characters, 4096 x 4096 pixels, 1000 steps, 64 outputs, 64 entries. */
    public static FieldLimits defaults() {
        return new FieldLimits(4096, 4096L * 4096L, 1000, 64, 64);
    }
}
