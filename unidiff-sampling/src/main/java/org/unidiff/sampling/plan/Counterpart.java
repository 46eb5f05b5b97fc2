package org.unidiff.sampling.plan;

/**
 * Guidance link of a {@link TaskPlan}: the generated {@code (slot, stream)} takes its
 * unconditional prediction from pass {@code pass}.
 *
 * @param slot   the slot, from 0
 * @param stream the generated stream
 * @param pass   index of the unconditional pass, from 1 (pass 0 is the conditional pass)
 */
public record Counterpart(int slot, Stream stream, int pass) {

    /** Checks the indices' signs and that the stream is given; the plan checks the rest. */
    public Counterpart {
        if (slot < 0) {
            throw new IllegalArgumentException("slot must be >= 0, got " + slot);
        }
        if (stream == null) {
            throw new IllegalArgumentException("stream must not be null");
        }
        if (pass < 1) {
            throw new IllegalArgumentException("an unconditional pass has index >= 1 (0 is the conditional pass), got "
                    + pass);
        }
    }
}
