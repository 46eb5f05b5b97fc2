package org.unidiff.sampling.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream.Builder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.unidiff.sampling.noise.NoiseSource;
import org.unidiff.sampling.noise.RecordedNoiseSource;
import org.unidiff.sampling.noise.SeededNoiseSource;
import org.unidiff.sampling.schedule.DiscreteVpSchedule;

class GuidedJointModelTest {

    /** Latent 1x2x2 (4), CLIP 2, text 3x2 (6): small enough to spell out every index. */
    static final JointShape SHAPE = new JointShape(1, 2, 2, 2, 3, 2, 1);
    static final DiscreteVpSchedule SCHEDULE = DiscreteVpSchedule.unidiffuser();
    static final int NOISE_LENGTH = 4096;

    /** Sample n's recorded noise: distinct, exactly representable numbers 100 (n + 1) + k / 8. */
    static double[] noiseOf(int n) {
        double[] v = new double[NOISE_LENGTH];
        for (int k = 0; k < v.length; k++) {
            v[k] = 100.0 * (n + 1) + k / 8.0;
        }
        return v;
    }

    static List<NoiseSource> recorded(int samples) {
        List<NoiseSource> out = new ArrayList<>();
        for (int n = 0; n < samples; n++) {
            out.add(RecordedNoiseSource.of(noiseOf(n)));
        }
        return out;
    }

    static double[] ramp(int length, double start, double step) {
        double[] v = new double[length];
        for (int i = 0; i < length; i++) {
            v[i] = start + step * i;
        }
        return v;
    }

    static float[] slice(float[] values, int from, int length) {
        float[] out = new float[length];
        System.arraycopy(values, from, out, 0, length);
        return out;
    }

    static float[] floats(double[] values, int from, int length) {
        float[] out = new float[length];
        for (int i = 0; i < length; i++) {
            out[i] = (float) values[from + i];
        }
        return out;
    }

    /** Every given value any factory plan may read, for a shape of group size G. */
    static GivenValues givensFor(TaskPlan plan, JointShape shape) {
        GivenValues.Builder b = GivenValues.builder(shape);
        for (int g = 0; g < shape.groupSize(); g++) {
            for (org.unidiff.sampling.plan.Stream s : org.unidiff.sampling.plan.Stream.values()) {
                if (plan.readsGiven(g, s, plan.passCount())) {
                    b.stream(g, s, ramp(shape.streamSize(s), -1.5 + g + (s == org.unidiff.sampling.plan.Stream.TEXT ? 0.25 : 0), 0.125));
                }
            }
        }
        if (plan.readsEmpty(org.unidiff.sampling.plan.Stream.TEXT, plan.passCount())) {
            b.emptyText(ramp(shape.textSize(), 7, -0.5));
        }
        return b.build();
    }

    static java.util.stream.Stream<Arguments> everyTask() {
        JointShape group3 = SHAPE.withGroupSize(3);
        Builder<Arguments> b = java.util.stream.Stream.builder();
        b.add(Arguments.of(TaskPlan.textToImage(), SHAPE));
        b.add(Arguments.of(TaskPlan.textToImage(UnconditionalText.EMPTY_PROMPT), SHAPE));
        b.add(Arguments.of(TaskPlan.imageToText(), SHAPE));
        b.add(Arguments.of(TaskPlan.joint(), SHAPE));
        b.add(Arguments.of(TaskPlan.imageOnly(), SHAPE));
        b.add(Arguments.of(TaskPlan.textOnly(), SHAPE));
        b.add(Arguments.of(TaskPlan.group(List.of(PlanSlot.generate(true), PlanSlot.cleanReference(true),
                PlanSlot.renoisedReference(false)), UnconditionalText.NOISE), group3));
        b.add(Arguments.of(TaskPlan.group(List.of(PlanSlot.renoisedReference(true), PlanSlot.generate(false),
                PlanSlot.generate(true)), UnconditionalText.EMPTY_PROMPT), group3));
        b.add(Arguments.of(TaskPlan.inContext(1, Role.RENOISE), SHAPE.withGroupSize(4)));
        return b.build();
    }

    /**
     * For every task: two evaluations at different times, each making exactly one predictor call
     * whose rows, timesteps, conditions, noise (in the documented order, continuing across
     * evaluations) and re-noised references are what the contract says, and whose outputs combine
     * by the guidance rule.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyTask")
    void everyTaskFeedsAndCombinesAsDocumented(TaskPlan plan, JointShape shape) {
        int samples = 2;
        double scale = 3;
        GivenValues given = givensFor(plan, shape);
        RecordingJointPredictor fake = new RecordingJointPredictor();
        GuidedJointModel model = GuidedJointModel.builder(plan, shape, SCHEDULE, fake)
                .guidanceScale(scale).givens(given).dataType(1).noise(recorded(samples)).build();
        double[] x = model.initialState();
        for (int n = 0; n < samples; n++) {
            double[] expectedSegment = new double[model.sampleStateLength()];
            System.arraycopy(noiseOf(n), 0, expectedSegment, 0, expectedSegment.length);
            double[] segment = new double[model.sampleStateLength()];
            System.arraycopy(x, n * model.sampleStateLength(), segment, 0, segment.length);
            assertArrayEquals(expectedSegment, segment, "initial state of sample " + n + " is its first draws");
        }
        double[][] noise = {noiseOf(0), noiseOf(1)};
        FeedReplay replay = new FeedReplay(plan, shape, SCHEDULE, given, noise, model.sampleStateLength());
        double[] out = new double[x.length];
        double[] times = {0.6, 0.25};
        for (int e = 0; e < times.length; e++) {
            model.predict(x, times[e], out);
            assertEquals(e + 1, fake.calls().size(), "exactly one predictor call per evaluation");
            replay.checkInputs(fake.last(), plan.passCount(), x, times[e]);
            replay.checkGuidance(fake.last(), scale, out);
            long[] dataType = fake.last().dataType();
            assertEquals(fake.last().rows(), dataType.length);
            for (long d : dataType) {
                assertEquals(1, d, "data_type of every row");
            }
            x = out.clone();
        }
    }

    @Test
    void textToImageExplicitIndices() {
        GivenValues given = GivenValues.builder(SHAPE).text(0, ramp(6, 0.5, 0.25)).build();
        RecordingJointPredictor fake = new RecordingJointPredictor();
        GuidedJointModel model = GuidedJointModel.builder(TaskPlan.textToImage(), SHAPE, SCHEDULE, fake)
                .guidanceScale(7).givens(given).noise(recorded(2)).build();
        assertEquals(12, model.stateLength());
        double[] x = model.initialState();
        assertArrayEquals(java.util.Arrays.copyOfRange(noiseOf(1), 0, 6), java.util.Arrays.copyOfRange(x, 6, 12));
        double[] out = new double[12];
        model.predict(x, 0.6, out);
        RecordingJointPredictor.Call call = fake.last();
        assertEquals(4, call.rows());
        assertArrayEquals(new float[] {600, 600, 600, 600}, call.tImg());
        assertArrayEquals(new float[] {0, 0, 1000, 1000}, call.tText());
        float[] text = call.inputs().get(Part.TEXT);
        assertArrayEquals(floats(ramp(6, 0.5, 0.25), 0, 6), slice(text, 0, 6), "row 0: the prompt");
        assertArrayEquals(floats(ramp(6, 0.5, 0.25), 0, 6), slice(text, 6, 6), "row 1: the prompt");
        assertArrayEquals(floats(noiseOf(0), 6, 6), slice(text, 12, 6), "row 2: sample 0 draws 6..11");
        assertArrayEquals(floats(noiseOf(1), 6, 6), slice(text, 18, 6), "row 3: sample 1 draws 6..11");
        assertArrayEquals(floats(x, 6, 4), slice(call.inputs().get(Part.IMAGE_LATENT), 4, 4), "row 1: sample 1 latent");
        assertArrayEquals(floats(x, 10, 2), slice(call.inputs().get(Part.CLIP), 2, 2), "row 1: sample 1 clip");
        assertArrayEquals(floats(x, 6, 4), slice(call.inputs().get(Part.IMAGE_LATENT), 12, 4), "row 3: sample 1 latent");
        float[] img = call.outputs().get(Part.IMAGE_LATENT);
        double c = img[4];
        double u = img[12];
        assertEquals(c + 7 * (c - u), out[6], 1e-12, "sample 1 latent[0] = c + s (c - u)");
        assertNull(call.dataType(), "no data_type unless set");
    }

    /**
     * The spec's group case: slot 0 generated with a caption, slot 1 a clean reference with a
     * caption, slot 2 a re-noised reference without a caption, guided by the captions alone
     * (references kept in the unconditional pass). Every draw index is spelled out.
     */
    @Test
    void groupOfThreeExplicitIndices() {
        JointShape shape = SHAPE.withGroupSize(3);
        TaskPlan plan = TaskPlan.group(List.of(PlanSlot.generate(true), PlanSlot.cleanReference(true),
                PlanSlot.renoisedReference(false)), UnconditionalText.NOISE, false);
        double[] caption0 = ramp(6, 1, 0.5);
        double[] caption1 = ramp(6, -1, 0.5);
        double[] ref1 = ramp(6, 2, -0.25);
        double[] ref2 = ramp(6, -3, 0.75);
        GivenValues given = GivenValues.builder(shape).text(0, caption0).text(1, caption1)
                .image(1, java.util.Arrays.copyOf(ref1, 4), java.util.Arrays.copyOfRange(ref1, 4, 6))
                .stream(2, org.unidiff.sampling.plan.Stream.IMAGE, ref2).build();
        RecordingJointPredictor fake = new RecordingJointPredictor();
        RecordedNoiseSource source = RecordedNoiseSource.of(noiseOf(0));
        GuidedJointModel model = GuidedJointModel.builder(plan, shape, SCHEDULE, fake)
                .guidanceScale(2).givens(given).noise(List.of(source)).build();
        assertEquals(6, model.stateLength(), "only slot 0's image is solved");
        double[] x = model.initialState();
        double[] out = new double[6];
        double t = 0.4;
        model.predict(x, t, out);
        RecordingJointPredictor.Call call = fake.last();
        assertEquals(2, call.rows());
        // [row][slot]: pass 0 then pass 1.
        assertArrayEquals(new float[] {400, 0, 400, 400, 0, 400}, call.tImg());
        assertArrayEquals(new float[] {0, 0, 1000, 1000, 1000, 1000}, call.tText());
        double a = SCHEDULE.alpha(t);
        double s = SCHEDULE.sigma(t);
        double[] noise = noiseOf(0);
        float[] latents = call.inputs().get(Part.IMAGE_LATENT);
        float[] clips = call.inputs().get(Part.CLIP);
        float[] texts = call.inputs().get(Part.TEXT);
        // Pass 0 (row 0): slot 0 state, slot 1 clean reference, slot 2 re-noised with draws 6..11.
        assertArrayEquals(floats(x, 0, 4), slice(latents, 0, 4));
        assertArrayEquals(floats(ref1, 0, 4), slice(latents, 4, 4));
        assertArrayEquals(floats(ref1, 4, 2), slice(clips, 2, 2));
        for (int i = 0; i < 4; i++) {
            assertEquals((float) (a * ref2[i] + s * noise[6 + i]), latents[8 + i], "pass 0 slot 2 latent " + i);
        }
        for (int i = 0; i < 2; i++) {
            assertEquals((float) (a * ref2[4 + i] + s * noise[10 + i]), clips[4 + i], "pass 0 slot 2 clip " + i);
        }
        assertArrayEquals(floats(caption0, 0, 6), slice(texts, 0, 6));
        assertArrayEquals(floats(caption1, 0, 6), slice(texts, 6, 6));
        assertArrayEquals(floats(noise, 12, 6), slice(texts, 12, 6), "pass 0 slot 2 has no caption: draws 12..17");
        // Pass 1 (row 1): captions marginalized (draws 18..29), references kept, slot 2 re-noised anew.
        assertArrayEquals(floats(x, 0, 4), slice(latents, 12, 4));
        assertArrayEquals(floats(ref1, 0, 4), slice(latents, 16, 4));
        assertArrayEquals(floats(noise, 18, 6), slice(texts, 18, 6));
        assertArrayEquals(floats(noise, 24, 6), slice(texts, 24, 6));
        for (int i = 0; i < 4; i++) {
            assertEquals((float) (a * ref2[i] + s * noise[30 + i]), latents[20 + i], "pass 1 slot 2 latent " + i);
        }
        for (int i = 0; i < 2; i++) {
            assertEquals((float) (a * ref2[4 + i] + s * noise[34 + i]), clips[10 + i], "pass 1 slot 2 clip " + i);
        }
        assertArrayEquals(floats(noise, 36, 6), slice(texts, 30, 6));
        assertEquals(42, source.used(), "6 initial + 36 in the evaluation");
        float[] img = call.outputs().get(Part.IMAGE_LATENT);
        for (int i = 0; i < 4; i++) {
            double c = img[i];
            double u = img[12 + i];
            assertEquals(c + 2 * (c - u), out[i], 1e-12);
        }
    }

    @Test
    void zeroGuidanceRunsOnlyTheConditionalPass() {
        GivenValues given = GivenValues.builder(SHAPE).text(0, ramp(6, 0, 1)).build();
        RecordingJointPredictor fake = new RecordingJointPredictor();
        List<NoiseSource> sources = recorded(3);
        GuidedJointModel model = GuidedJointModel.builder(TaskPlan.textToImage(), SHAPE, SCHEDULE, fake)
                .guidanceScale(0).givens(given).noise(sources).build();
        assertEquals(3, model.rowsPerEvaluation());
        double[] x = model.initialState();
        double[] out = new double[x.length];
        model.predict(x, 0.5, out);
        assertEquals(3, fake.last().rows(), "3 samples x 1 pass");
        assertEquals(6, ((RecordedNoiseSource) sources.get(0)).used(), "no noise drawn: the text is a condition");
        float[] img = fake.last().outputs().get(Part.IMAGE_LATENT);
        for (int i = 0; i < 4; i++) {
            assertEquals(img[4 + i], out[6 + i], 0.0, "unguided output is the conditional prediction");
        }
        GuidedJointModel guided = GuidedJointModel.builder(TaskPlan.textToImage(), SHAPE, SCHEDULE, fake)
                .guidanceScale(1).givens(given).noise(recorded(3)).build();
        assertEquals(6, guided.rowsPerEvaluation());
    }

    /** Sample n's numbers depend only on its seed stream: a batch of 3 equals 3 runs of 1. */
    @Test
    void samplesAreIndependentOfBatchSize() {
        TaskPlan plan = TaskPlan.joint();
        RecordingJointPredictor batchFake = new RecordingJointPredictor();
        GuidedJointModel batch = GuidedJointModel.builder(plan, SHAPE, SCHEDULE, batchFake)
                .guidanceScale(5).noise(SeededNoiseSource.streams(42, 3)).build();
        double[] x = batch.initialState();
        double[] out = new double[x.length];
        batch.predict(x, 0.7, out);
        batch.predict(out.clone(), 0.3, out);
        int len = batch.sampleStateLength();
        for (int n = 0; n < 3; n++) {
            RecordingJointPredictor singleFake = new RecordingJointPredictor();
            GuidedJointModel single = GuidedJointModel.builder(plan, SHAPE, SCHEDULE, singleFake)
                    .guidanceScale(5).noise(List.of(SeededNoiseSource.stream(42, n))).build();
            double[] xs = single.initialState();
            assertArrayEquals(java.util.Arrays.copyOfRange(x, n * len, (n + 1) * len), xs, "initial state of " + n);
            double[] os = new double[xs.length];
            single.predict(xs, 0.7, os);
            single.predict(os.clone(), 0.3, os);
            assertArrayEquals(java.util.Arrays.copyOfRange(out, n * len, (n + 1) * len), os, 0.0, "output of " + n);
            for (int p = 0; p < 3; p++) {
                assertArrayEquals(slice(batchFake.last().inputs().get(Part.TEXT), (p * 3 + n) * 6, 6),
                        slice(singleFake.last().inputs().get(Part.TEXT), p * 6, 6), "pass " + p + " text of " + n);
            }
        }
    }

    @Test
    void splitReturnsEachSamplesGeneratedParts() {
        JointShape shape = SHAPE.withGroupSize(2);
        TaskPlan plan = TaskPlan.of("mixed", List.of(Pass.of("conditional",
                new Role[] {Role.GENERATE, Role.MARGINALIZE}, new Role[] {Role.GENERATE, Role.GENERATE})), List.of());
        GuidedJointModel model = GuidedJointModel.builder(plan, shape, SCHEDULE, new RecordingJointPredictor())
                .noise(recorded(2)).build();
        // Per sample: slot 0 latent 4, clip 2, text 6; slot 1 text 6 = 18.
        assertEquals(18, model.sampleStateLength());
        double[] state = ramp(36, 0, 1);
        List<SampleLatents> split = model.split(state);
        SampleLatents s1 = split.get(1);
        assertArrayEquals(ramp(4, 18, 1), s1.slot(0).imageLatent());
        assertArrayEquals(ramp(2, 22, 1), s1.slot(0).clip());
        assertArrayEquals(ramp(6, 24, 1), s1.slot(0).text());
        assertNull(s1.slot(1).imageLatent());
        assertNull(s1.slot(1).clip());
        assertArrayEquals(ramp(6, 30, 1), s1.slot(1).text());
        assertEquals(30, model.stateOffset(1, 1, Part.TEXT).getAsInt());
        assertEquals(FeedReplay.layoutOffset(plan, shape, 1, 1, Part.TEXT), 30);
    }

    /** Image variation: the second stage is conditioned, per sample, on the first stage's text. */
    @Test
    void variationCarriesEachSamplesLatentIntoTheSecondStage() {
        TwoStagePlan variation = TwoStagePlan.imageVariation(UnconditionalText.NOISE);
        GivenValues image = GivenValues.builder(SHAPE).image(0, ramp(4, 0, 1), ramp(2, 5, 1)).build();
        List<NoiseSource> sources = SeededNoiseSource.streams(7, 2);
        GuidedJointModel first = GuidedJointModel.builder(variation.first(), SHAPE, SCHEDULE, new RecordingJointPredictor())
                .guidanceScale(7).givens(image).noise(sources).build();
        double[] x = first.initialState();
        double[] eps = new double[x.length];
        first.predict(x, 0.5, eps);
        List<SampleLatents> texts = first.split(eps);
        RecordingJointPredictor fake = new RecordingJointPredictor();
        GuidedJointModel second = GuidedJointModel.builder(variation.second(), SHAPE, SCHEDULE, fake)
                .guidanceScale(7).givens(variation.secondStageGivens(SHAPE, texts).build()).noise(sources).build();
        double[] y = second.initialState();
        second.predict(y, 0.5, new double[y.length]);
        float[] text = fake.last().inputs().get(Part.TEXT);
        for (int n = 0; n < 2; n++) {
            assertArrayEquals(floats(texts.get(n).slot(0).text(), 0, 6), slice(text, n * 6, 6),
                    "stage 2 sample " + n + " is conditioned on stage 1 sample " + n);
        }
        assertEquals(0f, fake.last().tText()[1], "the carried text is a clean condition");
    }
}
