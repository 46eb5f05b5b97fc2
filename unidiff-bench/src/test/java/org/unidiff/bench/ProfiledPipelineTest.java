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
import org.unidiff.api.SamplingOptions;
import org.unidiff.api.TextToImageRequest;
import org.unidiff.api.Unidiff;
import org.unidiff.api.UnidiffOptions;
import org.unidiff.runtime.Bundle;
import org.unidiff.runtime.ort.ExecutionConfig;
import org.unidiff.sampling.plan.JointBatch;
import org.unidiff.sampling.plan.JointOutputs;
import org.unidiff.sampling.plan.JointShape;
import org.unidiff.sampling.solver.SamplerKind;
import org.unidiff.shapes.Renderer;

/**
 * The step-by-step pipeline of the speed breakdown does the API's work: same seed, same pixels and captions. If
 * the API's engine changes how it runs a task, this fails and the breakdown must follow. (The random bundle's
 * captions do not depend on the input image, so the captioning case checks the sampler and the beam search;
 * the speed benchmark itself checks the whole captioning path on the real model and says so in its output.)
 */
class ProfiledPipelineTest {

    private static Unidiff unidiff;
    private static Bundle bundle;

    @BeforeAll
    static void open() {
        unidiff = Unidiff.open(UnidiffOptions.defaults().withBundle(QualityRunnerTest.TINY));
        bundle = Bundle.load(QualityRunnerTest.TINY, ExecutionConfig.cpu());
    }

    @AfterAll
    static void close() {
        unidiff.close();
        bundle.close();
    }

    @Test
    void textToImageEqualsTheApiAndTimesEveryStage() {
        double guidance = unidiff.manifest().defaults().guidanceScale();
        ProfiledPipeline pipeline = new ProfiledPipeline(bundle);
        ProfiledPipeline.Run run = pipeline.textToImage(SpeedTask.PROMPT, 42, SamplerKind.DPM_SOLVER, 3, guidance, 2);
        List<java.awt.image.BufferedImage> api = unidiff.textToImage(new TextToImageRequest(SpeedTask.PROMPT,
                new SamplingOptions(42, 3, "dpm-solver", null, 2, null))).images();
        assertEquals(2, run.images().size());
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(Renderer.toBytes(api.get(i)), Renderer.toBytes(run.images().get(i)), "output " + i);
        }
        assertEquals(EnumSet.of(Stage.TEXT_ENCODER, Stage.TRANSFORMER, Stage.SAMPLER, Stage.VAE_DECODER,
                Stage.CONVERSIONS), run.nanos().keySet());
        assertTrue(run.nanos().values().stream().allMatch(n -> n >= 0));
        ProfiledPipeline.Run other = pipeline.textToImage(SpeedTask.PROMPT, 43, SamplerKind.DPM_SOLVER, 3, guidance, 1);
        assertNotEquals(java.util.Arrays.toString(Renderer.toBytes(run.images().get(0))),
                java.util.Arrays.toString(Renderer.toBytes(other.images().get(0))), "the seed matters");
    }

    @Test
    void captioningEqualsTheApi() {
        double guidance = unidiff.manifest().defaults().guidanceScale();
        ProfiledPipeline pipeline = new ProfiledPipeline(bundle);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (long seed : new long[] {5, 6, 7}) {
            ProfiledPipeline.Run run = pipeline.imageToText(SpeedTask.captionInput(), seed, SamplerKind.DPM_SOLVER, 3,
                    guidance, 1);
            String api = unidiff.imageToText(new ImageToTextRequest(SpeedTask.captionInput(),
                    new SamplingOptions(seed, 3, "dpm-solver", null, 1, null))).text();
            assertEquals(api, run.captions().get(0), "seed " + seed);
            seen.add(api);
            assertEquals(EnumSet.of(Stage.IMAGE_ENCODERS, Stage.TRANSFORMER, Stage.SAMPLER, Stage.TEXT_DECODER,
                    Stage.CONVERSIONS), run.nanos().keySet());
        }
        assertTrue(seen.size() > 1, "captions depend on the seed, so equality means something: " + seen);
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
