package org.unidiff.sampling.plan;

/**
 * What a (slot, stream) is in one pass of a {@link TaskPlan}: where its input values come from and
 * at which timestep the network sees it. "t" is the solver's current continuous time.
 */
public enum Role {
    /** Part of the solved state: fed the current state at {@code networkTime(t)}. */
    GENERATE,
    /** A given clean value (a prompt latent, an encoded image, a clean reference) at {@code networkTime(0)}. */
    CONDITION,
    /**
     * A model-wide "null" value for the stream, clean at {@code networkTime(0)}: the empty-prompt
     * text latent that the t2i option of the reference feeds to its unconditional pass.
     */
    EMPTY_CONDITION,
    /** Absent: fresh N(0, 1) noise drawn at every model evaluation, fed at {@code networkTimeNoise()}. */
    MARGINALIZE,
    /**
     * A given reference re-noised to the current time at every evaluation,
     * {@code alpha(t) * ref + sigma(t) * fresh noise}, fed at {@code networkTime(t)}; not solved.
     */
    RENOISE;

    /** Whether the input of this role is a value given per slot (a condition or reference). */
    public boolean readsGivenValue() {
        return this == CONDITION || this == RENOISE;
    }

    /** Whether this role draws fresh noise at every evaluation. */
    public boolean drawsNoise() {
        return this == MARGINALIZE || this == RENOISE;
    }
}
