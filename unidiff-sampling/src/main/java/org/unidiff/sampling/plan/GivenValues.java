package org.unidiff.sampling.plan;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The values a plan reads besides the solved state: for a (slot, stream) with role
 * {@link Role#CONDITION} or {@link Role#RENOISE}, its condition or reference; for
 * {@link Role#EMPTY_CONDITION}, the stream's empty value (e.g. the empty prompt's latent).
 *
 * <p>A value is one stream's values laid out as its {@link Stream#parts() parts} concatenated:
 * IMAGE = latent (C,h,w row-major) then CLIP token (Dc); TEXT = text latent (L,Dt row-major).
 * A (slot, stream) holds either one value shared by all samples (a prompt every sample
 * follows) or one per sample (the second stage of a variation, where sample n is conditioned
 * on sample n's first-stage output). Arrays are copied in; immutable once built.
 */
public final class GivenValues {

    private final JointShape shape;
    private final Map<SlotStream, List<double[]>> values;
    private final Map<Stream, double[]> empty;

    private GivenValues(JointShape shape, Map<SlotStream, List<double[]>> values, Map<Stream, double[]> empty) {
        this.shape = shape;
        this.values = values;
        this.empty = empty;
    }

    /** A builder for values of the given shape. */
    public static Builder builder(JointShape shape) {
        return new Builder(shape);
    }

    /** No given values (tasks that only generate and marginalize). */
    public static GivenValues none(JointShape shape) {
        return builder(shape).build();
    }

    /** The shape the values were checked against. */
    public JointShape shape() {
        return shape;
    }

    /** Whether a value is given for (slot, stream). */
    public boolean has(int slot, Stream stream) {
        return values.containsKey(new SlotStream(slot, stream));
    }

    /**
     * How many values (slot, stream) holds: 1 if shared by all samples, else one per sample.
     *
     * @throws IllegalArgumentException if none is given
     */
    public int count(int slot, Stream stream) {
        return list(slot, stream).size();
    }

    /** A copy of the value sample {@code sample} sees for (slot, stream). */
    public double[] value(int slot, Stream stream, int sample) {
        return valueRef(slot, stream, sample).clone();
    }

    /** The stream's empty value, if given. */
    public Optional<double[]> empty(Stream stream) {
        double[] v = empty.get(stream);
        return v == null ? Optional.empty() : Optional.of(v.clone());
    }

    /** The (slot, stream)s that hold a value. */
    public List<SlotStream> keys() {
        return List.copyOf(values.keySet());
    }

    double[] valueRef(int slot, Stream stream, int sample) {
        List<double[]> list = list(slot, stream);
        return list.size() == 1 ? list.get(0) : list.get(sample);
    }

    double[] emptyRef(Stream stream) {
        return empty.get(stream);
    }

    private List<double[]> list(int slot, Stream stream) {
        List<double[]> list = values.get(new SlotStream(slot, stream));
        if (list == null) {
            throw new IllegalArgumentException("no value given for slot " + slot + " " + stream);
        }
        return list;
    }

    /**
     * A slot and one of its streams.
     *
     * @param slot   the slot, from 0
     * @param stream the stream
     */
    public record SlotStream(int slot, Stream stream) {
        /** Checks the slot's sign and the stream. */
        public SlotStream {
            if (slot < 0) {
                throw new IllegalArgumentException("slot must be >= 0, got " + slot);
            }
            Objects.requireNonNull(stream, "stream");
        }
    }

    /** Collects and checks given values. */
    public static final class Builder {

        private final JointShape shape;
        private final Map<SlotStream, List<double[]>> values = new HashMap<>();
        private final Map<Stream, double[]> empty = new EnumMap<>(Stream.class);

        private Builder(JointShape shape) {
            this.shape = Objects.requireNonNull(shape, "shape");
        }

        /** An encoded image for {@code slot}, shared by all samples: latent (C*h*w) and CLIP token (Dc). */
        public Builder image(int slot, double[] latent, double[] clip) {
            return stream(slot, Stream.IMAGE, concatImage("slot " + slot + " IMAGE", latent, clip));
        }

        /** A text latent (L*Dt) for {@code slot}, shared by all samples. */
        public Builder text(int slot, double[] text) {
            return stream(slot, Stream.TEXT, text);
        }

        /** A stream value for (slot, stream), shared by all samples. */
        public Builder stream(int slot, Stream stream, double[] value) {
            put(slot, stream, List.of(check("slot " + slot + " " + stream, stream, value).clone()));
            return this;
        }

        /** One stream value per sample for (slot, stream); value {@code n} is sample n's. */
        public Builder perSample(int slot, Stream stream, List<double[]> perSample) {
            if (perSample == null || perSample.isEmpty()) {
                throw new IllegalArgumentException("per-sample values for slot " + slot + " " + stream
                        + " must hold at least one value");
            }
            List<double[]> copies = new ArrayList<>(perSample.size());
            for (int n = 0; n < perSample.size(); n++) {
                copies.add(check("slot " + slot + " " + stream + " sample " + n, stream, perSample.get(n)).clone());
            }
            put(slot, stream, List.copyOf(copies));
            return this;
        }

        /** The empty prompt's text latent, fed by {@link Role#EMPTY_CONDITION} on TEXT. */
        public Builder emptyText(double[] text) {
            return empty(Stream.TEXT, text);
        }

        /** A stream's empty value, fed by {@link Role#EMPTY_CONDITION}. */
        public Builder empty(Stream stream, double[] value) {
            empty.put(stream, check("empty " + stream, stream, value).clone());
            return this;
        }

        private void put(int slot, Stream stream, List<double[]> list) {
            if (slot < 0 || slot >= shape.groupSize()) {
                throw new IllegalArgumentException("slot " + slot + " is outside the group of " + shape.groupSize()
                        + " slots (0.." + (shape.groupSize() - 1) + ")");
            }
            values.put(new SlotStream(slot, stream), list);
        }

        private double[] concatImage(String what, double[] latent, double[] clip) {
            Objects.requireNonNull(latent, what + " latent");
            Objects.requireNonNull(clip, what + " clip");
            if (latent.length != shape.latentSize()) {
                throw new IllegalArgumentException(what + " latent has " + latent.length + " values, expected C*h*w = "
                        + shape.latentSize());
            }
            if (clip.length != shape.clipDim()) {
                throw new IllegalArgumentException(what + " CLIP token has " + clip.length + " values, expected Dc = "
                        + shape.clipDim());
            }
            double[] out = new double[latent.length + clip.length];
            System.arraycopy(latent, 0, out, 0, latent.length);
            System.arraycopy(clip, 0, out, latent.length, clip.length);
            return out;
        }

        private double[] check(String what, Stream stream, double[] value) {
            Objects.requireNonNull(value, what);
            int expected = shape.streamSize(stream);
            if (value.length != expected) {
                throw new IllegalArgumentException(what + " has " + value.length + " values, expected " + expected
                        + (stream == Stream.IMAGE ? " (latent C*h*w = " + shape.latentSize() + " then CLIP Dc = "
                        + shape.clipDim() + ")" : " (text L*Dt)"));
            }
            for (int i = 0; i < value.length; i++) {
                if (!Double.isFinite(value[i])) {
                    throw new IllegalArgumentException(what + " has a non-finite value " + value[i] + " at index " + i);
                }
            }
            return value;
        }

        /** The values collected so far. */
        public GivenValues build() {
            return new GivenValues(shape, Map.copyOf(values), new EnumMap<>(empty));
        }
    }
}
