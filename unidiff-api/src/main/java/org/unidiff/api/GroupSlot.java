package org.unidiff.api;

import org.unidiff.api.core.InvalidRequestException;

import java.awt.image.BufferedImage;
import java.util.Optional;

/**
 * One image of a group: a caption (may be empty: the caption is then marginalized) and,
 * for a reference slot, the given image.
 *
 * @param caption   what this image shows; empty or null for no caption
 * @param reference the reference image, or null for a slot to generate
 */
public record GroupSlot(String caption, BufferedImage reference) {

    /** Normalizes the caption. */
    public GroupSlot {
        caption = caption == null ? "" : caption.strip();
        if (caption.length() > Prompts.MAX_PROMPT_CHARS) {
            throw new InvalidRequestException("caption", "at most " + Prompts.MAX_PROMPT_CHARS + " characters", caption);
        }
        if (reference != null) {
            Prompts.requireImage("reference", reference);
        }
    }

    /** A slot to generate with the given caption. */
    public static GroupSlot generate(String caption) {
        return new GroupSlot(caption, null);
    }

    /** A reference slot. */
    public static GroupSlot reference(BufferedImage image, String caption) {
        return new GroupSlot(caption, Prompts.requireImage("reference", image));
    }

    /** Whether this slot is generated. */
    public boolean generated() {
        return reference == null;
    }

    /** The reference image, if this is a reference slot. */
    public Optional<BufferedImage> referenceImage() {
        return Optional.ofNullable(reference);
    }
}
