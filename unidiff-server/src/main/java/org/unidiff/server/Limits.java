package org.unidiff.server;

/**
 * What one request may ask for. Checked before any model work, so a bad or greedy request costs
 * the server almost nothing.
 *
 * @param maxBodyBytes   largest request body, in bytes (base64 images included)
 * @param maxImagePixels most pixels (width x height) of an uploaded image, read from the PNG
 *                       header before decoding
 * @param maxPromptChars longest prompt or caption, in characters
 * @param maxSteps       most solver steps
 * @param maxOutputs     most outputs of one request
 * @param maxGroupSize   most slots of a group (the bundle's own limit applies too)
 * @param maxHeldInputBytes   most bytes of decoded input images that queued and running jobs hold
 *                            together (beyond it a request is answered 429)
 * @param maxKeptResultBytes  most bytes of finished results kept for GET (oldest dropped first)
 */
public record Limits(int maxBodyBytes, long maxImagePixels, int maxPromptChars, int maxSteps, int maxOutputs,
                     int maxGroupSize, long maxHeldInputBytes, long maxKeptResultBytes) {

    /** Checks every limit is positive. */
    public Limits {
        positive("maxBodyBytes", maxBodyBytes);
        positive("maxImagePixels", maxImagePixels);
        positive("maxPromptChars", maxPromptChars);
        positive("maxSteps", maxSteps);
        positive("maxOutputs", maxOutputs);
        positive("maxGroupSize", maxGroupSize);
        positive("maxHeldInputBytes", maxHeldInputBytes);
        positive("maxKeptResultBytes", maxKeptResultBytes);
    }

    /**
     * 8 MiB bodies, 4 megapixel images, 500-character prompts, 1000 steps, 16 outputs, groups of 8;
     * 256 MiB of decoded input images held by queued and running jobs (16 of the largest images),
     * 256 MiB of kept results.
     */
    /** The bounds a request's fields are read under. */
    public org.unidiff.api.tasks.FieldLimits fieldLimits() {
        return new org.unidiff.api.tasks.FieldLimits(maxPromptChars, maxImagePixels, maxSteps, maxOutputs, maxGroupSize);
    }

    public static Limits defaults() {
        return new Limits(8 << 20, 4L << 20, 500, 1000, 16, 8, 256L << 20, 256L << 20);
    }

    /** A copy with other memory bounds of held inputs and kept results. */
    public Limits withMemory(long heldInputBytes, long keptResultBytes) {
        return new Limits(maxBodyBytes, maxImagePixels, maxPromptChars, maxSteps, maxOutputs, maxGroupSize,
                heldInputBytes, keptResultBytes);
    }

    /** A copy with another body limit. */
    public Limits withMaxBodyBytes(int bytes) {
        return new Limits(bytes, maxImagePixels, maxPromptChars, maxSteps, maxOutputs, maxGroupSize,
                maxHeldInputBytes, maxKeptResultBytes);
    }

    /** A copy with another pixel limit. */
    public Limits withMaxImagePixels(long pixels) {
        return new Limits(maxBodyBytes, pixels, maxPromptChars, maxSteps, maxOutputs, maxGroupSize,
                maxHeldInputBytes, maxKeptResultBytes);
    }

    private static void positive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, found " + value);
        }
    }
}
