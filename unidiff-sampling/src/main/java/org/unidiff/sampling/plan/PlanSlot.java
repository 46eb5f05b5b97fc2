package org.unidiff.sampling.plan;

/**
 * One member of a grouped-generation request: whether its image is generated or a reference
 * (clean at t = 0 or re-noised every evaluation), and whether it has a caption.
 *
 * @param image {@link Role#GENERATE}, {@link Role#CONDITION} (clean reference) or {@link Role#RENOISE}
 * @param text  {@link Role#CONDITION} (a caption) or {@link Role#MARGINALIZE} (no caption)
 */
public record PlanSlot(Role image, Role text) {

    /** Checks that the roles are ones a group slot can have. */
    public PlanSlot {
        if (image != Role.GENERATE && image != Role.CONDITION && image != Role.RENOISE) {
            throw new IllegalArgumentException("a group slot's image must be GENERATE, CONDITION (clean reference) or "
                    + "RENOISE (re-noised reference), got " + image);
        }
        if (text != Role.CONDITION && text != Role.MARGINALIZE) {
            throw new IllegalArgumentException("a group slot's text must be CONDITION (a caption) or MARGINALIZE "
                    + "(no caption), got " + text);
        }
    }

    /** A slot to generate, with or without a caption. */
    public static PlanSlot generate(boolean captioned) {
        return new PlanSlot(Role.GENERATE, captionRole(captioned));
    }

    /** A reference image fed clean at t = 0. */
    public static PlanSlot cleanReference(boolean captioned) {
        return new PlanSlot(Role.CONDITION, captionRole(captioned));
    }

    /** A reference image re-noised to the current time at every evaluation. */
    public static PlanSlot renoisedReference(boolean captioned) {
        return new PlanSlot(Role.RENOISE, captionRole(captioned));
    }

    private static Role captionRole(boolean captioned) {
        return captioned ? Role.CONDITION : Role.MARGINALIZE;
    }

    /** Whether this slot's image is generated. */
    public boolean generated() {
        return image == Role.GENERATE;
    }

    /** Whether this slot has a caption. */
    public boolean captioned() {
        return text == Role.CONDITION;
    }
}
