package org.unidiff.sampling.plan;

/**
 * The generated latents of one slot of one sample, split from a final state. A stream the plan
 * does not generate for this slot is {@code null}.
 *
 * @param imageLatent C*h*w values, or null if the slot's IMAGE is not generated
 * @param clip        Dc values, or null if the slot's IMAGE is not generated
 * @param text        L*Dt values, or null if the slot's TEXT is not generated
 */
public record SlotLatents(double[] imageLatent, double[] clip, double[] text) {

    /** Whether the stream was generated. */
    public boolean has(Stream stream) {
        return stream == Stream.IMAGE ? imageLatent != null : text != null;
    }

    /**
     * The stream's value as {@link GivenValues} lays it out (IMAGE: latent then CLIP).
     *
     * @throws IllegalStateException if the stream was not generated
     */
    public double[] streamValue(Stream stream) {
        if (!has(stream)) {
            throw new IllegalStateException(stream + " was not generated for this slot");
        }
        if (stream == Stream.TEXT) {
            return text.clone();
        }
        double[] out = new double[imageLatent.length + clip.length];
        System.arraycopy(imageLatent, 0, out, 0, imageLatent.length);
        System.arraycopy(clip, 0, out, imageLatent.length, clip.length);
        return out;
    }
}
