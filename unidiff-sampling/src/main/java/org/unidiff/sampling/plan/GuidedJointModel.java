package org.unidiff.sampling.plan;

import java.nio.FloatBuffer;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unidiff.sampling.PredictionType;
import org.unidiff.sampling.noise.NoiseSource;
import org.unidiff.sampling.schedule.NoiseSchedule;
import org.unidiff.sampling.solver.DenoisingModel;

/**
 * Runs a {@link TaskPlan} for N independent samples as one {@link DenoisingModel}: every model
 * evaluation writes all passes of all samples into one {@link JointBatch}, calls the
 * {@link JointPredictor} exactly once and combines the passes with classifier-free guidance.
 *
 * <h2>Flat state layout</h2>
 * The solved state is, for sample n = 0..N-1, for slot g = 0..G-1, the parts the plan
 * generates for that slot in the order image latent (C*h*w, row-major), CLIP token (Dc), text
 * latent (L*Dt, row-major). IMAGE contributes both its parts or neither. Every sample's segment
 * has the same length, {@link #sampleStateLength()}.
 *
 * <h2>Batch layout</h2>
 * Rows are pass-major: row {@code p * N + n} holds pass p of sample n. With guidance scale 0
 * only pass 0 runs (N rows), otherwise all {@link TaskPlan#passCount()} passes. A (slot, stream)
 * is fed according to its role in the row's pass: GENERATE the current state at
 * {@code networkTime(t)}; CONDITION the given value at {@code networkTime(0)}; EMPTY_CONDITION
 * the stream's empty value at {@code networkTime(0)}; MARGINALIZE fresh N(0,1) noise at
 * {@code networkTimeNoise()}; RENOISE {@code alpha(t) * ref + sigma(t) * noise} with fresh
 * noise at {@code networkTime(t)}. {@code data_type}, when set, is the same for every row.
 *
 * <h2>Noise order</h2>
 * Sample n draws only from its own source (so its numbers do not depend on N), in this order:
 * <ol>
 *   <li>{@link #initialState()}: its whole state segment, in state layout order;</li>
 *   <li>then, at every evaluation, for each active pass p = 0, 1, ..., for each slot g, for each
 *       stream IMAGE then TEXT whose role draws noise (MARGINALIZE, RENOISE): for IMAGE C*h*w
 *       numbers for the latent then Dc for the CLIP token, for TEXT L*Dt numbers.</li>
 * </ol>
 * Parts with other roles draw nothing. The engine, when it starts a solve from known states
 * ({@link #state}),
 * still calls {@link #initialState()} first and discards it, so step 2 draws the same numbers.
 *
 * <h2>Guidance</h2>
 * For each generated (slot, stream) with a counterpart pass u (when the scale s is above 0),
 * {@code out = c + s * (c - u)} with c the pass-0 output and u the counterpart's output of the
 * same sample; otherwise {@code out = c}. Both passes are fed the same state at the same time,
 * so the rule is the same in every prediction type, and the output keeps the predictor's
 * {@link #predictionType()}.
 *
 * <p>Not thread-safe: the batch buffers and noise sources are reused across evaluations. Make
 * {@link #initialState()} before the first evaluation so the draw order above holds.
 */
public final class GuidedJointModel implements DenoisingModel {

    private static final Logger LOG = LoggerFactory.getLogger(GuidedJointModel.class);

    private final TaskPlan plan;
    private final JointShape shape;
    private final NoiseSchedule schedule;
    private final JointPredictor predictor;
    private final double guidanceScale;
    private final GivenValues givens;
    private final List<NoiseSource> sources;
    private final int samples;
    private final int activePasses;
    private final JointBatch inputs;
    private final JointOutputs outputs;
    private final JointStateLayout layout;
    private final int sampleStateLength;
    private final double[] noise;
    private long evaluations;
    /** Whether the clean conditions (fixed for the whole run) are already in the input buffers. */
    private boolean constantsWritten;

    private GuidedJointModel(Builder b) {
        this.plan = b.plan;
        this.shape = b.shape;
        this.schedule = b.schedule;
        this.predictor = b.predictor;
        this.guidanceScale = b.guidanceScale;
        this.givens = b.givens == null ? GivenValues.none(shape) : b.givens;
        this.sources = List.copyOf(b.sources);
        this.samples = sources.size();
        this.activePasses = guidanceScale == 0 ? 1 : plan.passCount();
        this.layout = new JointStateLayout(plan, shape, samples);
        this.sampleStateLength = layout.sampleStateLength();
        this.noise = new double[Math.max(shape.latentSize(), Math.max(shape.clipDim(), shape.textSize()))];
        int rows = activePasses * samples;
        this.inputs = JointBatch.allocate(shape, rows, b.dataType != null);
        this.outputs = JointOutputs.allocate(shape, rows);
        if (b.dataType != null) {
            for (int r = 0; r < rows; r++) {
                inputs.dataType().put(r, b.dataType);
            }
        }
        LOG.debug("{}: {} samples, guidance scale {}, {} of {} passes, {} rows per evaluation, state {} per sample",
                plan.name(), samples, guidanceScale, activePasses, plan.passCount(), rows, sampleStateLength);
    }

    /** Starts a model for {@code plan} on tensors of {@code shape}. */
    public static Builder builder(TaskPlan plan, JointShape shape, NoiseSchedule schedule, JointPredictor predictor) {
        return new Builder(plan, shape, schedule, predictor);
    }

    @Override
    public PredictionType predictionType() {
        return predictor.predictionType();
    }

    /** The plan being run. */
    public TaskPlan plan() {
        return plan;
    }

    /** The tensor sizes. */
    public JointShape shape() {
        return shape;
    }

    /** N, the number of independent samples. */
    public int samples() {
        return samples;
    }

    /** The guidance scale s. */
    public double guidanceScale() {
        return guidanceScale;
    }

    /** Passes run per evaluation: 1 when s = 0, else all of the plan's. */
    public int activePasses() {
        return activePasses;
    }

    /** Rows of every predictor call: active passes times N. */
    public int rowsPerEvaluation() {
        return activePasses * samples;
    }

    /** Length of one sample's state segment. */
    public int sampleStateLength() {
        return sampleStateLength;
    }

    /** Length of the whole flat state, N times {@link #sampleStateLength()}. */
    public int stateLength() {
        return samples * sampleStateLength;
    }

    /** Model evaluations made so far. */
    public long evaluations() {
        return evaluations;
    }

    /**
     * Where a part of a slot starts in the flat state of {@code sample}.
     *
     * @return the index, or empty if the plan does not generate the part's stream for that slot
     */
    public OptionalInt stateOffset(int sample, int slot, Part part) {
        Objects.checkIndex(sample, samples);
        Objects.checkIndex(slot, shape.groupSize());
        int o = layout.offset(slot, part);
        return o < 0 ? OptionalInt.empty() : OptionalInt.of(sample * sampleStateLength + o);
    }

    /**
     * A standard normal initial state: each sample's segment drawn from its own source, in state
     * layout order. Call once, before sampling (it is the first thing each source draws).
     */
    public double[] initialState() {
        double[] state = new double[stateLength()];
        for (int n = 0; n < samples; n++) {
            sources.get(n).fill(state, n * sampleStateLength, sampleStateLength);
        }
        return state;
    }

    /**
     * Splits a (final) state into each sample's generated latents per slot.
     *
     * @throws IllegalArgumentException if the state has the wrong length
     */
    public List<SampleLatents> split(double[] state) {
        checkLength("state", state);
        return layout.split(state);
    }

    /**
     * The flat state holding the given samples' generated parts: the inverse of {@link #split}, for a
     * solve that starts from known states (an inversion, or a generation from inverted noise) rather
     * than from {@link #initialState()}.
     *
     * @param samples one per sample, in sample order; every part the plan generates must be present
     * @throws IllegalArgumentException if the count, a missing part or a part's length is wrong
     */
    public double[] state(List<SampleLatents> samples) {
        return layout.state(samples);
    }

    @Override
    public void predict(double[] x, double t, double[] out) {
        checkLength("state x", x);
        checkLength("output", out);
        if (!Double.isFinite(t)) {
            throw new IllegalArgumentException("time must be finite, got " + t);
        }
        fillInputs(x, t);
        predictor.predict(inputs, outputs);
        evaluations++;
        combine(out, t);
    }

    private void fillInputs(double[] x, double t) {
        float tNow = (float) schedule.networkTime(t);
        float tClean = (float) schedule.networkTime(0);
        float tNoise = (float) schedule.networkTimeNoise();
        double alpha = schedule.alpha(t);
        double sigma = schedule.sigma(t);
        for (int p = 0; p < activePasses; p++) {
            Pass pass = plan.pass(p);
            for (int n = 0; n < samples; n++) {
                int row = p * samples + n;
                NoiseSource source = sources.get(n);
                for (int g = 0; g < shape.groupSize(); g++) {
                    for (Stream stream : Stream.values()) {
                        Role role = pass.role(g, stream);
                        if (constantsWritten && (role == Role.CONDITION || role == Role.EMPTY_CONDITION)) {
                            // Clean conditions and their t = 0 never change: written at the first evaluation only.
                            continue;
                        }
                        float time;
                        switch (role) {
                            case GENERATE:
                            case RENOISE:
                                time = tNow;
                                break;
                            case MARGINALIZE:
                                time = tNoise;
                                break;
                            default:
                                time = tClean;
                                break;
                        }
                        inputs.time(stream).put(row * shape.groupSize() + g, time);
                        for (Part part : stream.parts()) {
                            writePart(x, row, n, g, part, role, source, alpha, sigma);
                        }
                    }
                }
            }
        }
        constantsWritten = true;
    }

    private void writePart(double[] x, int row, int sample, int slot, Part part, Role role, NoiseSource source,
                           double alpha, double sigma) {
        FloatBuffer buffer = inputs.buffer(part);
        int at = inputs.offset(part, row, slot);
        int size = part.size(shape);
        int inStream = part.offsetInStream(shape);
        switch (role) {
            case GENERATE: {
                int from = sample * sampleStateLength + layout.offset(slot, part);
                for (int i = 0; i < size; i++) {
                    buffer.put(at + i, (float) x[from + i]);
                }
                return;
            }
            case CONDITION:
                copy(givens.valueRef(slot, part.stream(), sample), inStream, buffer, at, size);
                return;
            case EMPTY_CONDITION:
                copy(givens.emptyRef(part.stream()), inStream, buffer, at, size);
                return;
            case MARGINALIZE:
                source.fill(noise, 0, size);
                for (int i = 0; i < size; i++) {
                    buffer.put(at + i, (float) noise[i]);
                }
                return;
            case RENOISE: {
                double[] ref = givens.valueRef(slot, part.stream(), sample);
                source.fill(noise, 0, size);
                for (int i = 0; i < size; i++) {
                    buffer.put(at + i, (float) (alpha * ref[inStream + i] + sigma * noise[i]));
                }
                return;
            }
            default:
                throw new AssertionError(role);
        }
    }

    private static void copy(double[] from, int fromOffset, FloatBuffer to, int at, int size) {
        for (int i = 0; i < size; i++) {
            to.put(at + i, (float) from[fromOffset + i]);
        }
    }

    private void combine(double[] out, double t) {
        for (int n = 0; n < samples; n++) {
            for (int g = 0; g < shape.groupSize(); g++) {
                for (Part part : Part.values()) {
                    int o = layout.offset(g, part);
                    if (o < 0) {
                        continue;
                    }
                    OptionalInt counterpart = plan.guidancePass(g, part.stream());
                    boolean guided = guidanceScale > 0 && counterpart.isPresent();
                    FloatBuffer buffer = outputs.buffer(part);
                    int cond = outputs.offset(part, n, g);
                    int uncond = guided ? outputs.offset(part, counterpart.getAsInt() * samples + n, g) : -1;
                    int to = n * sampleStateLength + o;
                    int size = part.size(shape);
                    for (int i = 0; i < size; i++) {
                        double c = buffer.get(cond + i);
                        double v = guided ? c + guidanceScale * (c - buffer.get(uncond + i)) : c;
                        if (!Double.isFinite(v)) {
                            throw new IllegalStateException("the transformer returned a non-finite " + part + " value for "
                                    + "sample " + n + ", slot " + g + " at index " + i + " (t = " + t + ", evaluation "
                                    + evaluations + "); fp16 overflow in attention is a known cause");
                        }
                        out[to + i] = v;
                    }
                }
            }
        }
    }

    private void checkLength(String what, double[] array) {
        Objects.requireNonNull(array, what);
        if (array.length != stateLength()) {
            throw new IllegalArgumentException(what + " has " + array.length + " values, expected " + stateLength()
                    + " (" + samples + " samples x " + sampleStateLength + ") for plan '" + plan.name() + "'");
        }
    }

    /** Collects what a {@link GuidedJointModel} needs and checks it against the plan. */
    public static final class Builder {

        private final TaskPlan plan;
        private final JointShape shape;
        private final NoiseSchedule schedule;
        private final JointPredictor predictor;
        private double guidanceScale;
        private GivenValues givens;
        private Long dataType;
        private List<NoiseSource> sources;

        private Builder(TaskPlan plan, JointShape shape, NoiseSchedule schedule, JointPredictor predictor) {
            this.plan = Objects.requireNonNull(plan, "plan");
            this.shape = Objects.requireNonNull(shape, "shape");
            this.schedule = Objects.requireNonNull(schedule, "schedule");
            this.predictor = Objects.requireNonNull(predictor, "predictor");
            if (plan.groupSize() != shape.groupSize()) {
                throw new IllegalArgumentException("plan '" + plan.name() + "' has " + plan.groupSize()
                        + " slots but the shape's group size is " + shape.groupSize());
            }
        }

        /** Guidance scale s >= 0 (reference 7; diffusers' guidance_scale is 1 + s); 0 skips the unconditional passes. */
        public Builder guidanceScale(double s) {
            if (!(s >= 0) || Double.isInfinite(s)) {
                throw new IllegalArgumentException("guidance scale must be finite and >= 0, got " + s);
            }
            this.guidanceScale = s;
            return this;
        }

        /** The conditions, references and empty values the plan reads. */
        public Builder givens(GivenValues values) {
            this.givens = Objects.requireNonNull(values, "given values");
            return this;
        }

        /** The {@code data_type} fed to every row (UniDiffuser v1: 1); leave unset for models without it. */
        public Builder dataType(long value) {
            this.dataType = value;
            return this;
        }

        /** One noise source per sample; their number is N. */
        public Builder noise(List<? extends NoiseSource> perSample) {
            if (perSample == null || perSample.isEmpty()) {
                throw new IllegalArgumentException("need one noise source per sample, got none");
            }
            Map<NoiseSource, Integer> seen = new IdentityHashMap<>();
            for (int n = 0; n < perSample.size(); n++) {
                NoiseSource s = Objects.requireNonNull(perSample.get(n), "noise source of sample " + n);
                Integer before = seen.put(s, n);
                if (before != null) {
                    throw new IllegalArgumentException("samples " + before + " and " + n + " share one noise source; "
                            + "each sample needs its own so its numbers do not depend on the others");
                }
            }
            this.sources = List.copyOf(perSample);
            return this;
        }

        /**
         * Builds the model, checking that every value the active passes read is given (shared or
         * one per sample) and that no value is given that the plan never reads.
         */
        public GuidedJointModel build() {
            if (sources == null) {
                throw new IllegalStateException("no noise sources: call noise(...) with one source per sample");
            }
            GivenValues values = givens == null ? GivenValues.none(shape) : givens;
            if (!values.shape().equals(shape)) {
                throw new IllegalArgumentException("given values were made for shape " + values.shape()
                        + " but the model's shape is " + shape);
            }
            int active = guidanceScale == 0 ? 1 : plan.passCount();
            int n = sources.size();
            for (int g = 0; g < shape.groupSize(); g++) {
                for (Stream stream : Stream.values()) {
                    if (plan.readsGiven(g, stream, active)) {
                        if (!values.has(g, stream)) {
                            throw new IllegalArgumentException("plan '" + plan.name() + "' reads a given value for slot "
                                    + g + " " + stream + " (role " + roleList(g, stream) + ") but none was given");
                        }
                        int count = values.count(g, stream);
                        if (count != 1 && count != n) {
                            throw new IllegalArgumentException("slot " + g + " " + stream + " has " + count
                                    + " per-sample values but there are " + n + " samples; give 1 shared value or " + n);
                        }
                    }
                }
            }
            for (GivenValues.SlotStream key : values.keys()) {
                if (!plan.readsGiven(key.slot(), key.stream(), plan.passCount())) {
                    throw new IllegalArgumentException("a value was given for slot " + key.slot() + " " + key.stream()
                            + " but plan '" + plan.name() + "' never reads it (role " + roleList(key.slot(), key.stream())
                            + "); only CONDITION and RENOISE parts take given values");
                }
            }
            for (Stream stream : Stream.values()) {
                if (plan.readsEmpty(stream, active) && values.emptyRef(stream) == null) {
                    throw new IllegalArgumentException("plan '" + plan.name() + "' feeds the empty " + stream
                            + " value (EMPTY_CONDITION) but none was given; set it with GivenValues.Builder.empty"
                            + (stream == Stream.TEXT ? "Text (the empty prompt's latent)" : ""));
                }
            }
            this.givens = values;
            return new GuidedJointModel(this);
        }

        private String roleList(int slot, Stream stream) {
            StringBuilder sb = new StringBuilder();
            for (int p = 0; p < plan.passCount(); p++) {
                sb.append(p == 0 ? "" : "/").append(plan.pass(p).role(slot, stream));
            }
            return sb.toString();
        }
    }
}
