package org.unidiff.api;

/**
 * What classifier-free guidance of a group amplifies: which conditions the unconditional pass
 * drops. Only matters for groups with reference images; captions are dropped either way.
 */
public enum GroupGuidance {
    /** Captions and reference images dropped in the unconditional pass: guidance pulls towards both (default). */
    CAPTIONS_AND_REFERENCES,
    /** Only captions dropped; references stay in both passes, so guidance pulls towards the captions alone. */
    CAPTIONS
}
