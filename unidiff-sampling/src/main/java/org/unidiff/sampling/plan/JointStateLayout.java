package org.unidiff.sampling.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where each generated part lies in a {@link GuidedJointModel}'s flat state: per sample a segment
 * of {@link #sampleStateLength()} values holding, slot by slot, the parts (image latent, CLIP
 * embedding, text latent) the plan generates, in {@link Part} order; parts the plan gives as
 * conditions take no room. Splits a state into samples' latents and builds one from them.
 */
final class JointStateLayout {

    private final TaskPlan plan;
    private final JointShape shape;
    private final int samples;
    // [slot][part ordinal]: offset of the part inside one sample's state segment, -1 if not generated.
    private final int[][] offsets;
    private final int sampleStateLength;

    JointStateLayout(TaskPlan plan, JointShape shape, int samples) {
        this.plan = plan;
        this.shape = shape;
        this.samples = samples;
        this.offsets = new int[shape.groupSize()][Part.values().length];
        int offset = 0;
        for (int g = 0; g < shape.groupSize(); g++) {
            for (Part part : Part.values()) {
                if (plan.generates(g, part.stream())) {
                    offsets[g][part.ordinal()] = offset;
                    offset += part.size(shape);
                } else {
                    offsets[g][part.ordinal()] = -1;
                }
            }
        }
        this.sampleStateLength = offset;
    }

    /** Length of one sample's segment. */
    int sampleStateLength() {
        return sampleStateLength;
    }

    /** Offset of a slot's part inside a sample's segment, or -1 if the plan does not generate it. */
    int offset(int slot, Part part) {
        return offsets[slot][part.ordinal()];
    }

    /**
     * Splits a (final) state into each sample's generated latents per slot.
     *
     * @throws IllegalArgumentException if the state has the wrong length
     */
    List<SampleLatents> split(double[] state) {
        List<SampleLatents> out = new ArrayList<>(samples);
        for (int n = 0; n < samples; n++) {
            List<SlotLatents> slots = new ArrayList<>(shape.groupSize());
            for (int g = 0; g < shape.groupSize(); g++) {
                slots.add(new SlotLatents(slice(state, n, g, Part.IMAGE_LATENT), slice(state, n, g, Part.CLIP),
                        slice(state, n, g, Part.TEXT)));
            }
            out.add(new SampleLatents(n, slots));
        }
        return out;
    }

    /**
     * The flat state holding the given samples' generated parts: the inverse of {@link #split}, for a
     * solve that starts from known states (an inversion, or a generation from inverted noise) rather
     * than from {@link #initialState()}.
     *
     * @param samples one per sample, in sample order; every part the plan generates must be present
     * @throws IllegalArgumentException if the count, a missing part or a part's length is wrong
     */
    double[] state(List<SampleLatents> samples) {
        Objects.requireNonNull(samples, "samples");
        if (samples.size() != this.samples) {
            throw new IllegalArgumentException("a state of plan '" + plan.name() + "' needs " + this.samples
                    + " samples, got " + samples.size());
        }
        double[] state = new double[this.samples * sampleStateLength];
        for (int n = 0; n < this.samples; n++) {
            SampleLatents sample = Objects.requireNonNull(samples.get(n), "sample " + n);
            if (sample.slots().size() != shape.groupSize()) {
                throw new IllegalArgumentException("sample " + n + " has " + sample.slots().size() + " slots, expected "
                        + shape.groupSize());
            }
            for (int g = 0; g < shape.groupSize(); g++) {
                SlotLatents slot = sample.slot(g);
                for (Part part : Part.values()) {
                    int o = offsets[g][part.ordinal()];
                    if (o < 0) {
                        continue;
                    }
                    double[] values = switch (part) {
                        case IMAGE_LATENT -> slot.imageLatent();
                        case CLIP -> slot.clip();
                        case TEXT -> slot.text();
                    };
                    if (values == null || values.length != part.size(shape)) {
                        throw new IllegalArgumentException("sample " + n + ", slot " + g + ": " + part + " must hold "
                                + part.size(shape) + " values, found " + (values == null ? "none" : values.length));
                    }
                    System.arraycopy(values, 0, state, n * sampleStateLength + o, values.length);
                }
            }
        }
        return state;
    }

    private double[] slice(double[] state, int sample, int slot, Part part) {
        int o = offsets[slot][part.ordinal()];
        if (o < 0) {
            return null;
        }
        int from = sample * sampleStateLength + o;
        double[] out = new double[part.size(shape)];
        System.arraycopy(state, from, out, 0, out.length);
        return out;
    }
}
