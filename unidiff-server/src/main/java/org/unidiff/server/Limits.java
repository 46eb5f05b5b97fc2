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
 */
public record Limits(int maxBodyBytes, long maxImagePixels, int maxPromptChars, int maxSteps, int maxOutputs,
                     int maxGroupSize) {

    /** Checks every limit is positive. */
    public Limits {
        positive("maxBodyBytes", maxBodyBytes);
        positive("maxImagePixels", maxImagePixels);
        positive("maxPromptChars", maxPromptChars);
        positive("maxSteps", maxSteps);
        positive("maxOutputs", maxOutputs);
        positive("maxGroupSize", maxGroupSize);
    }

    /** 8 MiB bodies, 4 megapixel images, 500-character prompts, 1000 steps, 16 outputs, groups of 8. */
    public static Limits defaults() {
        return new Limits(8 << 20, 4L << 20, 500, 1000, 16, 8);
    }

    /** A copy with another body limit. */
    public Limits withMaxBodyBytes(int bytes) {
        return new Limits(bytes, maxImagePixels, maxPromptChars, maxSteps, maxOutputs, maxGroupSize);
    }

    /** A copy with another pixel limit. */
    public Limits withMaxImagePixels(long pixels) {
        return new Limits(maxBodyBytes, pixels, maxPromptChars, maxSteps, maxOutputs, maxGroupSize);
    }

    private static void positive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, found " + value);
        }
    }
}
