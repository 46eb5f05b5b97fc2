package org.unidiff.sampling.plan;

/**
 * The sizes of a joint model's tensors for one slot, plus the group size G (slots per row).
 *
 * @param latentChannels C of the image latent
 * @param latentHeight   h of the image latent
 * @param latentWidth    w of the image latent
 * @param clipDim        Dc, width of the CLIP image token (0 for image-only models)
 * @param textTokens     L, tokens of the text latent (0 for image-only models)
 * @param textDim        Dt, width of a text latent token (0 for image-only models)
 * @param groupSize      G, slots per row (1 for plain UniDiffuser)
 */
public record JointShape(int latentChannels, int latentHeight, int latentWidth, int clipDim,
                         int textTokens, int textDim, int groupSize) {

    /**
     * Checks that every size is at least 1, except that an image-only model (in-context family) has
     * no CLIP and text streams: all three of their sizes 0; and that per-slot sizes fit an int.
     */
    public JointShape {
        positive("latentChannels", latentChannels);
        positive("latentHeight", latentHeight);
        positive("latentWidth", latentWidth);
        boolean imageOnly = clipDim == 0 && textTokens == 0 && textDim == 0;
        if (!imageOnly) {
            positive("clipDim", clipDim);
            positive("textTokens", textTokens);
            positive("textDim", textDim);
        }
        positive("groupSize", groupSize);
        long latent = (long) latentChannels * latentHeight * latentWidth;
        long text = (long) textTokens * textDim;
        if (latent + clipDim > Integer.MAX_VALUE || text > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("per-slot sizes must fit an int, got latent " + latent + ", text " + text);
        }
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + value);
        }
    }

    /** UniDiffuser v1 at 512 px: latent 4 x 64 x 64, CLIP 512, text 77 x 64, one slot. */
    public static JointShape unidiffuserV1() {
        return new JointShape(4, 64, 64, 512, 77, 64, 1);
    }

    /** Whether the model has no CLIP and text streams (their sizes are 0). */
    public boolean imageOnly() {
        return clipDim == 0;
    }

    /** The same sizes with another group size. */
    public JointShape withGroupSize(int newGroupSize) {
        return new JointShape(latentChannels, latentHeight, latentWidth, clipDim, textTokens, textDim, newGroupSize);
    }

    /** C * h * w. */
    public int latentSize() {
        return latentChannels * latentHeight * latentWidth;
    }

    /** L * Dt. */
    public int textSize() {
        return textTokens * textDim;
    }

    /** Values of one slot's stream: latent + clip for {@link Stream#IMAGE}, the text latent for {@link Stream#TEXT}. */
    public int streamSize(Stream stream) {
        return stream == Stream.IMAGE ? latentSize() + clipDim : textSize();
    }
}
