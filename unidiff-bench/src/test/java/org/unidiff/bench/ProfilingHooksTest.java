package org.unidiff.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.unidiff.api.ImageToTextRequest;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.TextToImageRequest;
import org.unidiff.api.Unidiff;
import org.unidiff.api.core.UnidiffOptions;
import org.unidiff.runtime.Bundle;
import org.unidiff.runtime.ort.ExecutionConfig;
import org.unidiff.sampling.plan.JointBatch;
import org.unidiff.sampling.plan.JointOutputs;
import org.unidiff.sampling.plan.JointShape;
import org.unidiff.sampling.solver.SamplerKind;
import org.unidiff.shapes.Renderer;

/**
 * The speed breakdown times the API's own engine through its hooks: the profiled instance gives the plain
 * instance's pixels and captions for the same seed, every stage gets a time, and the zero transformer times
 * the solver alone. (The random bundle's captions do not depend on the input image, so the captioning case
 * checks the sampler and the beam search; the speed benchmark checks the whole path on the real model.)
 */
class ProfilingHooksTest {

    private static Unidiff unidiff;
    private static Unidiff profiled;
    private static ProfilingHooks hooks;
    private static Bundle bundle;

    @BeforeAll
    static void open() {
        unidiff = Unidiff.open(UnidiffOptions.defaults().withBundle(QualityRunnerTest.TINY));
        hooks = new ProfilingHooks();
        profiled = Unidiff.open(UnidiffOptions.defaults().withBundle(QualityRunnerTest.TINY), hooks);
        bundle = Bundle.load(QualityRunnerTest.TINY, ExecutionConfig.cpu());
    }

    @AfterAll
    static void close() {
        unidiff.close();
        profiled.close();
        bundle.close();
    }

    @Test
    void textToImageEqualsTheApiAndTimesEveryStage() {
        SamplingOptions o = new SamplingOptions(42, 3, SamplerKind.DPM_SOLVER.id(), null, 2, null);
        hooks.reset();
        List<java.awt.image.BufferedImage> run = profiled.textToImage(new TextToImageRequest(SpeedTask.PROMPT, o))
                .images();
        java.util.Map<BreakdownStage, Long> nanos = hooks.nanos();
        List<java.awt.image.BufferedImage> api = unidiff.textToImage(new TextToImageRequest(SpeedTask.PROMPT, o))
                .images();
        assertEquals(2, run.size());
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(Renderer.toBytes(api.get(i)), Renderer.toBytes(run.get(i)), "output " + i);
        }
        assertEquals(EnumSet.of(BreakdownStage.TEXT_ENCODER, BreakdownStage.TRANSFORMER, BreakdownStage.SAMPLER,
                BreakdownStage.VAE_DECODER), nanos.keySet());
        assertTrue(nanos.values().stream().allMatch(n -> n >= 0));
        assertTrue(nanos.get(BreakdownStage.TRANSFORMER) > 0);
        List<java.awt.image.BufferedImage> other = profiled.textToImage(new TextToImageRequest(SpeedTask.PROMPT,
                o.withSeed(43).withOutputs(1))).images();
        assertNotEquals(java.util.Arrays.toString(Renderer.toBytes(run.get(0))),
                java.util.Arrays.toString(Renderer.toBytes(other.get(0))), "the seed matters");
    }

    @Test
    void captioningEqualsTheApi() {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (long seed : new long[] {5, 6, 7}) {
            SamplingOptions o = new SamplingOptions(seed, 3, "dpm-solver", null, 1, null);
            hooks.reset();
            String run = profiled.imageToText(new ImageToTextRequest(SpeedTask.captionInput(), o)).text();
            java.util.Map<BreakdownStage, Long> nanos = hooks.nanos();
            String api = unidiff.imageToText(new ImageToTextRequest(SpeedTask.captionInput(), o)).text();
            assertEquals(api, run, "seed " + seed);
            seen.add(api);
            assertEquals(EnumSet.of(BreakdownStage.IMAGE_ENCODERS, BreakdownStage.TRANSFORMER, BreakdownStage.SAMPLER,
                    BreakdownStage.TEXT_DECODER), nanos.keySet());
        }
        assertTrue(seen.size() > 1, "captions depend on the seed, so equality means something: " + seen);
    }

    @Test
    void zeroTransformerTimesTheSolverAloneAndIsSwitchedOff() {
        SamplingOptions o = new SamplingOptions(3, 3, "dpm-solver", null, 1, null);
        hooks.reset();
        hooks.zeroTransformer(true);
        java.awt.image.BufferedImage zero = profiled.textToImage(new TextToImageRequest(SpeedTask.PROMPT, o)).image();
        hooks.zeroTransformer(false);
        assertTrue(hooks.samplingNanos() > 0);
        java.awt.image.BufferedImage real = profiled.textToImage(new TextToImageRequest(SpeedTask.PROMPT, o)).image();
        assertArrayEquals(Renderer.toBytes(unidiff.textToImage(new TextToImageRequest(SpeedTask.PROMPT, o)).image()),
                Renderer.toBytes(real));
        assertNotEquals(java.util.Arrays.toString(Renderer.toBytes(zero)), java.util.Arrays.toString(
                Renderer.toBytes(real)), "zero predictions give another image");
    }

    @Test
    void timedPredictorCountsCallsAndPassesOutputsThrough() {
        JointShape shape = bundle.transformer().shape(1);
        JointBatch in = JointBatch.allocate(shape, 2, bundle.transformer().takesDataType());
        JointOutputs direct = JointOutputs.allocate(shape, 2);
        JointOutputs timed = JointOutputs.allocate(shape, 2);
        bundle.transformer().predict(in, direct);
        TimedPredictor predictor = new TimedPredictor(bundle.transformer());
        predictor.predict(in, timed);
        predictor.predict(in, timed);
        assertEquals(2, predictor.calls());
        assertTrue(predictor.nanos() > 0);
        assertArrayEquals(direct.read(org.unidiff.sampling.plan.Part.TEXT, 1, 0),
                timed.read(org.unidiff.sampling.plan.Part.TEXT, 1, 0));
        predictor.reset();
        assertEquals(0, predictor.calls());
        new NullPredictor(predictor.predictionType()).predict(in, timed);
        float[] zeros = timed.read(org.unidiff.sampling.plan.Part.IMAGE_LATENT, 1, 0);
        assertArrayEquals(new float[zeros.length], zeros);
    }
}
