package org.unidiff.api;

import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.core.Task;
import org.unidiff.api.core.UnidiffOptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The in-context task on a random tiny in-context bundle (the contract, not quality): answers of
 * the right size that depend on the examples and the seed, batching, the examples' mode, the
 * bundle's refusal of tasks it does not serve, and every bad request.
 */
class InContextTaskTest {

    private static Unidiff unidiff;

    static Path bundle() {
        try {
            return Path.of(InContextTaskTest.class.getResource("/random-tiny-incontext/unidiff.json").toURI())
                    .getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void open() {
        unidiff = Unidiff.open(UnidiffOptions.defaults().withBundle(bundle()));
    }

    @AfterAll
    static void close() {
        unidiff.close();
    }

    private static BufferedImage image(int seed) {
        BufferedImage g = TinyBundle.gradient(64, 64);
        for (int i = 0; i < 64; i++) {
            g.setRGB((i * 7 + seed * 13) % 64, (i * 3 + seed) % 64, 0xFF0000 + seed * 0x101);
        }
        return g;
    }

    private static List<ExamplePair> pairs(int k, int salt) {
        List<ExamplePair> out = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            out.add(new ExamplePair(image(salt + 2 * i), image(salt + 2 * i + 1)));
        }
        return out;
    }

    private static SamplingOptions fast(long seed) {
        return SamplingOptions.defaults().withSeed(seed).withSteps(4);
    }

    @Test
    void answersDependOnExamplesAndSeedAndAreReproducible() {
        InContextRequest r = new InContextRequest(pairs(2, 1), image(40), fast(3).withOutputs(2));
        ImageResult a = unidiff.inContext(r);
        assertEquals(2, a.images().size());
        assertEquals(64, a.image().getWidth());
        assertEquals(Task.IN_CONTEXT, a.parameters().task());
        assertTrue(TinyBundle.samePixels(a.image(), unidiff.inContext(r).image()), "same request, same answer");
        assertFalse(TinyBundle.samePixels(a.image(), unidiff.inContext(new InContextRequest(pairs(2, 9), image(40),
                fast(3))).image()), "other examples, other answer");
        assertFalse(TinyBundle.samePixels(a.image(), unidiff.inContext(new InContextRequest(pairs(2, 1), image(40),
                fast(4))).image()), "other seed, other answer");
    }

    @Test
    void theManifestGridIsTheDefault() {
        SamplingOptions defaults = SamplingOptions.defaults().withSeed(1);
        ImageResult r = unidiff.inContext(new InContextRequest(pairs(1, 1), image(2), defaults));
        assertEquals(19, r.parameters().steps());
        assertEquals("euler", r.parameters().sampler());
        assertEquals(0.5, r.parameters().guidanceScale());
    }

    @Test
    void batchedEqualsOneByOne() {
        List<InContextRequest> requests = List.of(
                new InContextRequest(pairs(2, 1), image(40), fast(3).withOutputs(2)),
                new InContextRequest(pairs(2, 5), image(41), fast(8)),
                new InContextRequest(pairs(1, 5), image(42), ReferenceMode.RENOISE, fast(8)));
        List<ImageResult> batched = unidiff.runAll(Recipes.IN_CONTEXT, requests);
        for (int i = 0; i < requests.size(); i++) {
            ImageResult alone = unidiff.inContext(requests.get(i));
            assertEquals(alone.images().size(), batched.get(i).images().size());
            for (int n = 0; n < alone.images().size(); n++) {
                assertTrue(TinyBundle.samePixels(alone.images().get(n), batched.get(i).images().get(n)),
                        "request " + i + " output " + n);
            }
        }
    }

    @Test
    void renoisedExamplesGiveAnotherAnswer() {
        InContextRequest clean = new InContextRequest(pairs(2, 1), image(40), fast(3));
        InContextRequest renoised = new InContextRequest(pairs(2, 1), image(40), ReferenceMode.RENOISE, fast(3));
        assertFalse(TinyBundle.samePixels(unidiff.inContext(clean).image(), unidiff.inContext(renoised).image()));
    }

    @Test
    void aTaskTheBundleDoesNotServeFailsBeforeAnyWorkNamingBundleTaskAndServedTasks() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> unidiff.imageToText(ImageToTextRequest.of(image(1), 1)));
        assertTrue(e.getMessage().contains("random-tiny-incontext"), e.getMessage());
        assertTrue(e.getMessage().contains("image-to-text"), e.getMessage());
        assertTrue(e.getMessage().contains("[in-context]"), e.getMessage());
        try (Unidiff joint = TinyBundle.open()) {
            InvalidRequestException other = assertThrows(InvalidRequestException.class,
                    () -> joint.inContext(new InContextRequest(pairs(1, 1), image(2), fast(1))));
            // The joint bundle lists no tasks: it serves every task of its family, and this recipe's family is another.
            assertTrue(other.getMessage().contains("in-context") && other.getMessage().contains("unidiffuser family"),
                    other.getMessage());
        }
    }

    @Test
    void badRequestsGetClearErrors() {
        InvalidRequestException none = assertThrows(InvalidRequestException.class,
                () -> new InContextRequest(List.of(), image(1), fast(1)));
        assertEquals("examples", none.field());
        InvalidRequestException half = assertThrows(InvalidRequestException.class,
                () -> new ExamplePair(image(1), null));
        assertEquals("output", half.field());
        InvalidRequestException noQuery = assertThrows(InvalidRequestException.class,
                () -> new InContextRequest(pairs(1, 1), null, fast(1)));
        assertEquals("query", noQuery.field());
        InvalidRequestException tooMany = assertThrows(InvalidRequestException.class,
                () -> unidiff.inContext(new InContextRequest(pairs(5, 1), image(2), fast(1))));
        assertEquals("examples", tooMany.field());
        assertTrue(tooMany.getMessage().contains("at most 4 pairs"), tooMany.getMessage());
        assertEquals(1, unidiff.inContext(new InContextRequest(pairs(4, 1), image(2), fast(1))).images().size(),
                "still usable, and 4 pairs (10 frames) fit");
    }
}
