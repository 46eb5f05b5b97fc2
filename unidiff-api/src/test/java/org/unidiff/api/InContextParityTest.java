package org.unidiff.api;

import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.core.UnidiffOptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.unidiff.sampling.plan.SampleLatents;

/**
 * The trained in-context bundle against the Python reference of its family
 * ({@code models/make_incontext_goldens.py}): the same examples, plan, Euler grid, guidance and
 * recorded noise give the reference's final latents within each case's measured tolerance.
 */
class InContextParityTest {

    private static Goldens goldens() {
        return Goldens.load(Goldens.folders().stream()
                .filter(f -> "in-context".equals(Goldens.load(f).doc().path("family").asText()))
                .findFirst().orElseThrow(() -> new IllegalStateException("no in-context goldens")));
    }

    @Test
    void theBundleIsTheOneTheGoldensWereMadeFrom() {
        Goldens g = goldens();
        assertEquals(List.of(), g.bundleMismatches(), "regenerate with: " + g.doc().path("command").asText());
    }

    @TestFactory
    List<DynamicTest> endToEnd() {
        Goldens g = goldens();
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : g.doc().path("cases")) {
            tests.add(DynamicTest.dynamicTest(c.path("name").asText(), () -> runCase(g, c)));
        }
        assertTrue(tests.size() >= 4, "cases: " + tests.size());
        return tests;
    }

    private static void runCase(Goldens g, JsonNode c) {
        List<BufferedImage> images = g.inputImages();
        List<ExamplePair> pairs = new ArrayList<>();
        for (JsonNode p : c.path("pairs")) {
            pairs.add(new ExamplePair(images.get(p.get(0).asInt()), images.get(p.get(1).asInt())));
        }
        List<double[]> noise = new ArrayList<>();
        c.path("noise").forEach(n -> noise.add(g.array(n).doubles()));
        ReplayedNoise hooks = new ReplayedNoise(List.of(noise), List.of());
        SamplingOptions o = SamplingOptions.defaults().withSeed(c.path("seed").asLong())
                .withGuidanceScale(c.path("guidance").asDouble()).withOutputs(c.path("outputs").asInt());
        ReferenceMode mode = "clean".equals(c.path("reference_mode").asText()) ? ReferenceMode.CLEAN
                : ReferenceMode.RENOISE;
        try (Unidiff u = Unidiff.open(UnidiffOptions.defaults().withBundle(g.bundle()), hooks)) {
            ImageResult r = u.inContext(new InContextRequest(pairs, images.get(c.path("query").asInt()), mode, o));
            assertEquals(c.path("evaluations").asInt(), r.parameters().steps(), "the manifest's grid");
        }
        assertEquals(List.of(), hooks.unused(), "every recorded number drawn");
        double[] expected = g.array(c.path("latent").path("array")).doubles();
        double atol = c.path("latent").path("atol").asDouble();
        List<SampleLatents> got = hooks.latents(0);
        int size = expected.length / got.size();
        double worst = 0;
        for (int n = 0; n < got.size(); n++) {
            List<org.unidiff.sampling.plan.SlotLatents> slots = got.get(n).slots();
            double[] answer = slots.get(slots.size() - 1).imageLatent();
            assertEquals(size, answer.length);
            for (int i = 0; i < size; i++) {
                worst = Math.max(worst, Math.abs(answer[i] - expected[n * size + i]));
            }
        }
        assertTrue(worst <= atol, c.path("name").asText() + ": final latent differs by " + worst + " > " + atol);
    }
}
