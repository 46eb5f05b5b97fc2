package org.unidiff.api;

import org.unidiff.api.core.CancellationToken;
import org.unidiff.api.core.GenerationCancelledException;
import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.core.RunControl;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.core.Task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Inversion and interpolation on the random tiny bundle: mechanics only (the tiny model's images
 * mean nothing). Inversion refined enough is the exact reverse of DDIM generation; frames of one
 * solve equal the frames drawn alone; endpoints regenerate the inputs; bad requests are named;
 * a cancelled interpolation leaves the instance usable.
 */
class InterpolationTest {

    private static Unidiff unidiff;

    @BeforeAll
    static void open() {
        unidiff = TinyBundle.open();
    }

    @AfterAll
    static void close() {
        unidiff.close();
    }

    private static BufferedImage image(int shift) {
        BufferedImage g = TinyBundle.gradient(64, 64);
        for (int i = 0; i < 20; i++) {
            g.setRGB((shift + i) % 64, (3 * shift + i) % 64, 0xFFFFFF);
        }
        return g;
    }

    /** DDIM, no guidance: the ODE draws no noise, so inversion can be undone exactly. */
    private static SamplingOptions exact(long seed, int steps) {
        return new SamplingOptions(seed, steps, "ddim", 0.0, 1, null);
    }

    private static InversionResult invert(int refinements, int steps) {
        return unidiff.invert(new InversionRequest(image(5), refinements, true, exact(11, steps)));
    }

    @Test
    void refinedInversionIsTheExactReverseOfGenerationAndPlainIsNot() {
        InversionResult refined = invert(8, 8);
        InversionResult plain = invert(0, 8);
        assertTrue(refined.latentError() < 1e-4, "refined round trip off by " + refined.latentError());
        assertTrue(plain.latentError() > 10 * refined.latentError(),
                "plain " + plain.latentError() + " vs refined " + refined.latentError());
        assertTrue(refined.regenerated().isPresent());
        assertEquals(Task.INVERSION, refined.parameters().task());
        // The noise is not the image: the inversion moved it.
        double moved = InversionRecipe.relativeError(refined.noise(), refined.imageLatent());
        assertTrue(moved > 0.1, "noise equals the start within " + moved);
    }

    @Test
    void inversionAloneEqualsTheInversionOfARegeneratingRequest() {
        InversionResult with = invert(2, 6);
        InversionResult without = unidiff.invert(new InversionRequest(image(5), 2, false, exact(11, 6)));
        assertTrue(java.util.Arrays.equals(with.noise(), without.noise()));
        assertTrue(java.util.Arrays.equals(with.textLatent(), without.textLatent()));
        assertTrue(without.regenerated().isEmpty() && Double.isNaN(without.latentError()));
    }

    @Test
    void framesHaveTheRequestedCountAndEndpointsRegenerateTheInputs() {
        SamplingOptions o = exact(3, 6);
        InterpolationResult r = unidiff.interpolate(new InterpolationRequest(image(1), image(40), 5, 2, o));
        assertEquals(5, r.frames().size());
        assertEquals(5, r.parameters().outputs());
        assertEquals(Task.INTERPOLATION, r.parameters().task());
        assertEquals(2, r.captions().size());
        // Frame 0 starts from the first image's inverted noise and caption: what the inversion regenerates.
        InversionResult first = unidiff.invert(new InversionRequest(image(1), 2, true, o));
        assertTrue(TinyBundle.samePixels(first.regenerated().orElseThrow(), r.frames().get(0)));
        assertFalse(TinyBundle.samePixels(r.frames().get(0), r.frames().get(4)));
    }

    @Test
    void framesOfOneSolveEqualFramesDrawnOnTheirOwn() {
        SamplingOptions o = exact(8, 5);
        InterpolationResult many = unidiff.interpolate(new InterpolationRequest(image(2), image(30), 3, 1, o));
        InterpolationResult two = unidiff.interpolate(new InterpolationRequest(image(2), image(30), 2, 1, o));
        // Frames 0 and 2 of 3 and frames 0 and 1 of 2 have the same blends (u = 0 and 1).
        assertTrue(TinyBundle.samePixels(many.frames().get(0), two.frames().get(0)));
        assertTrue(TinyBundle.samePixels(many.frames().get(2), two.frames().get(1)));
    }

    @Test
    void batchedInterpolationsEqualOneByOneWithGuidance() {
        List<InterpolationRequest> requests = List.of(
                InterpolationRequest.of(image(1), image(20), 3, TinyBundle.fast(4).withGuidanceScale(3)),
                InterpolationRequest.of(image(7), image(9), 4, TinyBundle.fast(5).withGuidanceScale(3)));
        List<InterpolationResult> batched = unidiff.runAll(Recipes.INTERPOLATION, requests);
        for (int i = 0; i < requests.size(); i++) {
            InterpolationResult alone = unidiff.interpolate(requests.get(i));
            assertEquals(alone.frames().size(), batched.get(i).frames().size());
            for (int k = 0; k < alone.frames().size(); k++) {
                assertTrue(TinyBundle.samePixels(alone.frames().get(k), batched.get(i).frames().get(k)),
                        "request " + i + " frame " + k);
            }
        }
    }

    @Test
    void unsetSamplerAndGuidanceTakeTheExactInversionsNotTheBundles() {
        SamplingOptions o = InterpolationRequest.of(image(1), image(2), 3, null).options();
        assertEquals("ddim", o.sampler());
        assertEquals(0.0, o.guidanceScale());
        assertEquals(3, o.outputs());
        SamplingOptions set = InversionRequest.of(image(1), SamplingOptions.defaults().withSampler("dpm-solver")
                .withGuidanceScale(3).withOutputs(5)).options();
        assertEquals("dpm-solver", set.sampler());
        assertEquals(3.0, set.guidanceScale());
        assertEquals(1, set.outputs());
        InterpolationResult r = unidiff.interpolate(InterpolationRequest.of(image(1), image(2), 2, TinyBundle.fast(1)));
        assertEquals("ddim", r.parameters().sampler());
        assertEquals(0.0, r.parameters().guidanceScale());
    }

    @Test
    void badRequestsAreNamed() {
        InvalidRequestException one = assertThrows(InvalidRequestException.class,
                () -> new InterpolationRequest(image(1), null, 4, 2, null));
        assertEquals("last", one.field());
        for (int frames : new int[] {1, 100}) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class,
                    () -> InterpolationRequest.of(image(1), image(2), frames, null));
            assertEquals("frames", e.field());
            assertTrue(e.getMessage().contains("from 2 to 64") && e.getMessage().contains("found " + frames),
                    e.getMessage());
        }
        InvalidRequestException refinements = assertThrows(InvalidRequestException.class,
                () -> new InversionRequest(image(1), 11, false, null));
        assertEquals("refinements", refinements.field());
        assertEquals("image", assertThrows(InvalidRequestException.class,
                () -> InversionRequest.of(null, null)).field());
    }

    @Test
    void cancelledInterpolationLeavesTheInstanceUsable() {
        InterpolationRequest request = InterpolationRequest.of(image(3), image(33), 4, TinyBundle.fast(6));
        CancellationToken token = new CancellationToken();
        AtomicInteger reports = new AtomicInteger();
        List<String> stages = new ArrayList<>();
        RunControl control = new RunControl(p -> {
            stages.add(p.stage());
            if (p.stage().endsWith("frames") && reports.incrementAndGet() == 2) {
                token.cancel();
            }
        }, token);
        GenerationCancelledException e = assertThrows(GenerationCancelledException.class,
                () -> unidiff.interpolate(request, control));
        assertTrue(e.getMessage().contains("interpolation: frames"), e.getMessage());
        assertTrue(stages.contains("interpolation: caption latent") && stages.contains("interpolation: inversion"));
        InterpolationResult a = unidiff.interpolate(request);
        InterpolationResult b = unidiff.interpolate(request);
        for (int k = 0; k < 4; k++) {
            assertTrue(TinyBundle.samePixels(a.frames().get(k), b.frames().get(k)));
        }
    }

    @Test
    void blendsKeepEndpointsAndSlerpKeepsTheNorm() {
        double[] a = {3, 0, 0, 0};
        double[] b = {0, 3, 0, 0};
        assertTrue(java.util.Arrays.equals(a, Blend.slerp(a, b, 0)));
        assertTrue(java.util.Arrays.equals(b, Blend.slerp(a, b, 1)));
        double[] mid = Blend.slerp(a, b, 0.5);
        assertEquals(3 / Math.sqrt(2), mid[0], 1e-12);
        assertEquals(3 / Math.sqrt(2), mid[1], 1e-12);
        assertEquals(3.0, Math.hypot(mid[0], mid[1]), 1e-12);
        assertEquals(1.5, Blend.lerp(a, b, 0.5)[1], 0);
    }

    @Test
    void unsetSettingsTakeTheInversionsOwnDefaultsNotTheBundles() {
        SamplingOptions unset = InversionRequest.withTaskDefaults(SamplingOptions.defaults());
        assertEquals(Integer.valueOf(InversionRequest.DEFAULT_STEPS), unset.steps());
        assertEquals("ddim", unset.sampler());
        assertEquals(Double.valueOf(0), unset.guidanceScale());
        SamplingOptions given = InversionRequest.withTaskDefaults(SamplingOptions.defaults().withSteps(7)
                .withSampler("euler").withGuidanceScale(2));
        assertEquals(Integer.valueOf(7), given.steps());
        assertEquals("euler", given.sampler());
        assertEquals(Double.valueOf(2), given.guidanceScale());
    }
}
