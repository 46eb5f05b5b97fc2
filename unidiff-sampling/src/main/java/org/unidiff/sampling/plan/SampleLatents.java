package org.unidiff.sampling.plan;

import java.util.List;

/**
 * The generated latents of one sample, per slot.
 *
 * @param sample the sample index, from 0
 * @param slots  slot g's latents at index g
 */
public record SampleLatents(int sample, List<SlotLatents> slots) {

    /** Copies the slot list. */
    public SampleLatents {
        slots = List.copyOf(slots);
    }

    /** Slot {@code g}'s latents. */
    public SlotLatents slot(int g) {
        return slots.get(g);
    }
}
