package org.unidiff.sampling.plan;

/**
 * One tensor of a slot: the transformer's inputs and outputs hold one of each per row and slot.
 * A {@link Stream} value is its parts concatenated in declaration order.
 */
public enum Part {
    /** The image latent, C x h x w, row-major; tensors {@code img} / {@code img_out}. */
    IMAGE_LATENT(Stream.IMAGE),
    /** The CLIP image token, 1 x Dc; tensors {@code clip_img} / {@code clip_img_out}. */
    CLIP(Stream.IMAGE),
    /** The text latent, L x Dt, row-major; tensors {@code text} / {@code text_out}. */
    TEXT(Stream.TEXT);

    private final Stream stream;

    Part(Stream stream) {
        this.stream = stream;
    }

    /** The stream this part belongs to (and whose timestep it is fed at). */
    public Stream stream() {
        return stream;
    }

    /** Number of values of this part for one slot. */
    public int size(JointShape shape) {
        switch (this) {
            case IMAGE_LATENT:
                return shape.latentSize();
            case CLIP:
                return shape.clipDim();
            default:
                return shape.textSize();
        }
    }

    /** Where this part starts inside its stream's value. */
    public int offsetInStream(JointShape shape) {
        return this == CLIP ? shape.latentSize() : 0;
    }
}
