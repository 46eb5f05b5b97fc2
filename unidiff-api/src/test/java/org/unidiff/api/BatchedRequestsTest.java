package org.unidiff.api;

import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.core.MarginalRoute;
import org.unidiff.api.core.UnidiffOptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.unidiff.api.engine.EngineHooks;
import org.unidiff.api.engine.Recipe;
import org.unidiff.api.engine.SamplingStage;
import org.unidiff.sampling.plan.SampleLatents;
import org.unidiff.sampling.plan.SlotLatents;

/**
 * Many requests in one call: three requests with different prompts or images, seeds and output
 * counts, run batched and one by one, give bit-identical final latents and equal outputs; and
 * the batched call really shares transformer calls (it makes fewer of them).
 */
class BatchedRequestsTest {

    /** Records each request's final latents of every stage, and counts transformer calls. */
    static final class Recorder implements EngineHooks {
        final List<List<SampleLatents>> latents = Collections.synchronizedList(new ArrayList<>());
        int transformerCalls;

        @Override
        public void sampled(SamplingStage stage, List<SampleLatents> l) {
            latents.add(l);
        }

        @Override
        public org.unidiff.sampling.plan.JointPredictor transformer(org.unidiff.sampling.plan.JointPredictor t) {
            return new org.unidiff.sampling.plan.JointPredictor() {
                @Override
                public void predict(org.unidiff.sampling.plan.JointBatch in,
                                    org.unidiff.sampling.plan.JointOutputs out) {
                    transformerCalls++;
                    t.predict(in, out);
                }

                @Override
                public org.unidiff.sampling.PredictionType predictionType() {
                    return t.predictionType();
                }
            };
        }
    }

    private static Unidiff unidiff;
    private static Recorder hooks;

    @BeforeAll
    static void open() {
        hooks = new Recorder();
        unidiff = Unidiff.open(UnidiffOptions.defaults().withBundle(TinyBundle.path()), hooks);
    }

    @AfterAll
    static void close() {
        unidiff.close();
    }

    private static BufferedImage image(int shift) {
        BufferedImage g = TinyBundle.gradient(64 + shift, 64);
        g.setRGB(shift, shift, 0xFFFFFF);
        return g;
    }

    @Test
    void textToImageBatchedEqualsOneByOne() {
        List<TextToImageRequest> requests = List.of(
                new TextToImageRequest("a large red circle", TinyBundle.fast(3).withOutputs(2)),
                new TextToImageRequest("a small blue square at the top", TinyBundle.fast(91).withOutputs(1)),
                new TextToImageRequest("a green triangle on a white background", TinyBundle.fast(7).withOutputs(3)));
        List<ImageResult> batched = compare(Recipes.TEXT_TO_IMAGE, requests);
        for (int i = 0; i < requests.size(); i++) {
            assertEquals(requests.get(i).options().outputs(), batched.get(i).images().size());
            assertEquals(requests.get(i).prompt(), batched.get(i).parameters().prompts().get(0));
        }
    }

    @Test
    void captioningBatchedEqualsOneByOne() {
        List<ImageToTextRequest> requests = List.of(
                new ImageToTextRequest(image(0), TinyBundle.fast(5).withOutputs(1)),
                new ImageToTextRequest(image(9), TinyBundle.fast(6).withOutputs(3)),
                new ImageToTextRequest(image(17), TinyBundle.fast(1234).withOutputs(2)));
        compare(Recipes.IMAGE_TO_TEXT, requests);
    }

    @Test
    void jointBatchedEqualsOneByOneAndRoutesSplit() {
        List<JointRequest> requests = List.of(
                new JointRequest(TinyBundle.fast(1).withOutputs(2)),
                new JointRequest(TinyBundle.fast(2).withOutputs(1), MarginalRoute.VIA_TEXT),
                new JointRequest(TinyBundle.fast(3).withOutputs(2)));
        compare(Recipes.JOINT, requests);
    }

    @Test
    void groupBatchedEqualsOneByOne() {
        List<GroupRequest> requests = List.of(
                GroupRequest.of(List.of(GroupSlot.reference(image(3), "a red circle"), GroupSlot.generate("a square")),
                        TinyBundle.fast(8).withOutputs(2)),
                GroupRequest.of(List.of(GroupSlot.reference(image(11), "a blue diamond"),
                        GroupSlot.generate("a triangle at the top")), TinyBundle.fast(9).withOutputs(1)),
                GroupRequest.of(List.of(GroupSlot.reference(image(5), "a circle"), GroupSlot.generate("a large circle")),
                        TinyBundle.fast(10).withOutputs(3)));
        List<GroupResult> batched = compare(Recipes.GROUP, requests);
        assertEquals(3, batched.get(2).groups().size());
    }

    @Test
    void disagreeingSettingsAreSplitAndStillEqual() {
        List<TextToImageRequest> requests = List.of(
                new TextToImageRequest("a large red circle", TinyBundle.fast(3)),
                new TextToImageRequest("a large red circle", TinyBundle.fast(3).withSteps(4)),
                new TextToImageRequest("a small blue square", TinyBundle.fast(4).withGuidanceScale(1.5)),
                new TextToImageRequest("a small blue square", TinyBundle.fast(5)));
        compare(Recipes.TEXT_TO_IMAGE, requests);
    }

    @Test
    void aBadRequestInABatchIsNamedAndNothingRuns() {
        int before = hooks.transformerCalls;
        List<TextToImageRequest> requests = List.of(
                new TextToImageRequest("a large red circle", TinyBundle.fast(3)),
                new TextToImageRequest("a circle", TinyBundle.fast(3).withSampler("no-such-sampler")));
        InvalidRequestException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidRequestException.class,
                () -> unidiff.runAll(Recipes.TEXT_TO_IMAGE, requests));
        assertEquals("requests[1].sampler", e.field());
        assertEquals(before, hooks.transformerCalls, "no model work before the whole batch is checked");
        assertEquals(1, unidiff.runAll(Recipes.TEXT_TO_IMAGE, requests.subList(0, 1)).size(), "still usable");
        int afterUse = hooks.transformerCalls;
        String tooLong = "a large red circle " + "and a small blue square ".repeat(20);
        InvalidRequestException prompt = org.junit.jupiter.api.Assertions.assertThrows(InvalidRequestException.class,
                () -> unidiff.runAll(Recipes.TEXT_TO_IMAGE, List.of(requests.get(0),
                        new TextToImageRequest(tooLong, TinyBundle.fast(1)))));
        assertEquals("requests[1].prompt", prompt.field());
        assertEquals(afterUse, hooks.transformerCalls, "checks come before any model work");
    }

    /**
     * Runs the requests one by one, then batched; asserts the same final latents bit for bit and
     * the same decoded outputs, and that the batched call made fewer transformer calls.
     */
    private static <Q, R> List<R> compare(Recipe<Q, R> recipe, List<Q> requests) {
        hooks.latents.clear();
        int c0 = hooks.transformerCalls;
        List<R> alone = new ArrayList<>();
        for (Q q : requests) {
            alone.add(unidiff.runAll(recipe, List.of(q)).get(0));
        }
        List<List<SampleLatents>> aloneLatents = new ArrayList<>(hooks.latents);
        int c1 = hooks.transformerCalls;
        hooks.latents.clear();
        List<R> batched = unidiff.runAll(recipe, requests);
        List<List<SampleLatents>> batchedLatents = new ArrayList<>(hooks.latents);
        int c2 = hooks.transformerCalls;
        assertTrue(c2 - c1 < c1 - c0, "batched call made " + (c2 - c1) + " transformer calls, one by one "
                + (c1 - c0));
        assertEquals(aloneLatents.size(), batchedLatents.size(), "stages x requests");
        assertEquals(fingerprints(aloneLatents), fingerprints(batchedLatents));
        for (List<SampleLatents> a : aloneLatents) {
            boolean found = false;
            for (List<SampleLatents> b : batchedLatents) {
                found |= sameLatents(a, b);
            }
            assertTrue(found, "every request's latents appear bit for bit in the batched call");
        }
        assertEquals(requests.size(), batched.size());
        for (int i = 0; i < requests.size(); i++) {
            assertEquals(describe(alone.get(i)), describe(batched.get(i)), "result " + i);
        }
        return batched;
    }

    private static List<String> fingerprints(List<List<SampleLatents>> latents) {
        List<String> out = new ArrayList<>();
        for (List<SampleLatents> l : latents) {
            StringBuilder sb = new StringBuilder();
            for (SampleLatents s : l) {
                for (SlotLatents slot : s.slots()) {
                    sb.append(java.util.Arrays.hashCode(slot.imageLatent())).append(',')
                            .append(java.util.Arrays.hashCode(slot.text())).append(';');
                }
            }
            out.add(sb.toString());
        }
        Collections.sort(out);
        return out;
    }

    private static boolean sameLatents(List<SampleLatents> a, List<SampleLatents> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int n = 0; n < a.size(); n++) {
            for (int g = 0; g < a.get(n).slots().size(); g++) {
                SlotLatents x = a.get(n).slot(g);
                SlotLatents y = b.get(n).slot(g);
                if (!java.util.Arrays.equals(x.imageLatent(), y.imageLatent())
                        || !java.util.Arrays.equals(x.text(), y.text())) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Pixels, texts and parameters of a result as comparable values. */
    private static List<Object> describe(Object result) {
        Function<BufferedImage, String> px = img -> {
            int[] rgb = img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
            return img.getWidth() + "x" + img.getHeight() + ":" + java.util.Arrays.toString(rgb);
        };
        List<Object> out = new ArrayList<>();
        if (result instanceof ImageResult r) {
            r.images().forEach(i -> out.add(px.apply(i)));
            out.add(r.parameters());
        } else if (result instanceof TextResult r) {
            out.addAll(r.texts());
            out.add(r.parameters());
        } else if (result instanceof JointResult r) {
            r.images().forEach(i -> out.add(px.apply(i)));
            out.addAll(r.texts());
            out.add(r.parameters());
        } else if (result instanceof GroupResult r) {
            r.groups().forEach(g -> g.forEach(i -> out.add(px.apply(i))));
            out.add(r.parameters());
        } else {
            throw new AssertionError("unknown result " + result);
        }
        assertFalse(out.isEmpty());
        return out;
    }

    @Test
    void seedRulesAreStableAndSpread() {
        assertEquals(org.unidiff.api.engine.SeedRules.rowSeed(7, "images/a.png"),
                org.unidiff.api.engine.SeedRules.rowSeed(7, "images/a.png"));
        assertTrue(org.unidiff.api.engine.SeedRules.rowSeed(7, "images/a.png")
                != org.unidiff.api.engine.SeedRules.rowSeed(7, "images/b.png"));
        assertTrue(org.unidiff.api.engine.SeedRules.rowSeed(7, "x") != org.unidiff.api.engine.SeedRules.rowSeed(8, "x"));
        assertEquals(11L, org.unidiff.api.engine.SeedRules.stageSeed(11L, 0), "stage 0 uses the request seed");
        assertEquals(org.unidiff.api.engine.SeedRules.imageEncodingSeed(5, 1),
                org.unidiff.api.engine.SeedRules.imageEncodingSeed(6, 0),
                "image i of seed s draws what image 0 of seed s + i draws (group references)");
    }
}
