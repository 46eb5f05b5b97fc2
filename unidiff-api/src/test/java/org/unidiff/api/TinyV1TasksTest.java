package org.unidiff.api;

import org.unidiff.api.core.GenerationParameters;
import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.core.Progress;
import org.unidiff.api.core.RunControl;
import org.unidiff.api.core.SamplingOptions;
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
 * Every task through the facade on a reduced-size UniDiffuser v1 bundle with random weights (the
 * published architecture: data_type input, SD VAE, CLIP, GPT-2 caption decoder; 16 px images,
 * 8 text tokens), written by {@code models/tests/make_tiny_v1_fixture.py}. Its component outputs
 * match PyTorch in the runtime's {@code TinyV1ParityTest}; here the tasks' mechanics are checked:
 * sizes, evaluation counts, group limits and that data_type reaches the transformer.
 */
class TinyV1TasksTest {

    private static final int STEPS = 4;

    private static Unidiff unidiff;

    @BeforeAll
    static void open() {
        unidiff = Unidiff.open(UnidiffOptions.defaults().withBundle(bundlePath()));
    }

    @AfterAll
    static void close() {
        unidiff.close();
    }

    private static Path bundlePath() {
        try {
            return Path.of(TinyV1TasksTest.class.getResource("/tiny-v1-bundle/unidiff.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SamplingOptions fast(long seed) {
        return SamplingOptions.defaults().withSeed(seed).withSteps(STEPS);
    }

    private static void assertModelSized(BufferedImage image) {
        assertEquals(unidiff.manifest().image().width(), image.getWidth());
        assertEquals(unidiff.manifest().image().height(), image.getHeight());
    }

    @Test
    void textToImageUsesTheManifestDefaultsAndDataType() {
        List<Progress> seen = new ArrayList<>();
        ImageResult r = unidiff.textToImage(new TextToImageRequest("a photo of the cat", fast(1)),
                RunControl.progress(seen::add));
        assertEquals(1, r.images().size());
        assertModelSized(r.image());
        assertEquals(16, r.image().getWidth(), "the tiny v1 bundle's 16 px images");
        assertEquals(STEPS, seen.size(), "one progress report per model evaluation");
        GenerationParameters p = r.parameters();
        assertEquals("tiny-unidiffuser-v1-random", p.model());
        assertEquals("dpm-solver", p.sampler());
        assertEquals(7.0, p.guidanceScale());
        assertEquals(Integer.valueOf(1), p.dataType(), "data_type.default of the manifest when none is given");
        assertEquals("1", p.asText().get("data_type"));
    }

    /**
     * Same seed, same prompt: data_type 0 and 1 must give other images (the token reaches the
     * transformer), and no data_type must give exactly the images of the manifest's default, 1.
     */
    @Test
    void dataTypeReachesTheTransformer() {
        TextToImageRequest unset = new TextToImageRequest("a red dog with hat", fast(7).withOutputs(2));
        TextToImageRequest zero = new TextToImageRequest("a red dog with hat", fast(7).withOutputs(2).withDataType(0));
        TextToImageRequest one = new TextToImageRequest("a red dog with hat", fast(7).withOutputs(2).withDataType(1));
        ImageResult byDefault = unidiff.textToImage(unset);
        ImageResult r0 = unidiff.textToImage(zero);
        ImageResult r1 = unidiff.textToImage(one);
        assertEquals(Integer.valueOf(0), r0.parameters().dataType());
        assertEquals(Integer.valueOf(1), r1.parameters().dataType());
        for (int i = 0; i < 2; i++) {
            assertFalse(TinyBundle.samePixels(r0.images().get(i), r1.images().get(i)),
                    "data_type 0 and 1 must give different images (output " + i + ")");
            assertTrue(TinyBundle.samePixels(byDefault.images().get(i), r1.images().get(i)),
                    "no data_type must mean the manifest default 1 (output " + i + ")");
        }

        JointResult j0 = unidiff.joint(new JointRequest(fast(3).withDataType(0)));
        JointResult j1 = unidiff.joint(new JointRequest(fast(3).withDataType(1)));
        assertFalse(TinyBundle.samePixels(j0.images().get(0), j1.images().get(0)),
                "data_type changes joint samples too");
    }

    @Test
    void captioningAndUnconditionalTextGiveOneCaptionPerOutput() {
        List<Progress> seen = new ArrayList<>();
        TextResult caption = unidiff.imageToText(new ImageToTextRequest(TinyBundle.gradient(40, 30),
                fast(2).withOutputs(2)), RunControl.progress(seen::add));
        assertEquals(2, caption.texts().size());
        assertEquals(STEPS, seen.size());
        assertEquals(Integer.valueOf(1), caption.parameters().dataType());
        TextResult again = unidiff.imageToText(new ImageToTextRequest(TinyBundle.gradient(40, 30),
                fast(2).withOutputs(2)));
        assertEquals(caption.texts(), again.texts(), "same seed, same captions");
        assertEquals(3, unidiff.textOnly(new TextOnlyRequest(fast(5).withOutputs(3))).texts().size());
    }

    @Test
    void jointAndImageOnlyGiveModelSizedImages() {
        JointResult joint = unidiff.joint(new JointRequest(fast(3).withOutputs(2)));
        assertEquals(2, joint.images().size());
        assertEquals(2, joint.texts().size());
        joint.images().forEach(TinyV1TasksTest::assertModelSized);
        assertFalse(TinyBundle.samePixels(joint.images().get(0), joint.images().get(1)),
                "two outputs of one call are two samples");

        ImageResult images = unidiff.imageOnly(new ImageOnlyRequest(fast(4).withOutputs(3)));
        assertEquals(3, images.images().size());
        images.images().forEach(TinyV1TasksTest::assertModelSized);
    }

    @Test
    void variationsRunTwoStages() {
        List<Progress> seen = new ArrayList<>();
        ImageResult v = unidiff.imageVariation(new ImageVariationRequest(TinyBundle.gradient(50, 50), fast(6)),
                RunControl.progress(seen::add));
        assertEquals(1, v.images().size());
        assertModelSized(v.image());
        assertEquals(2 * STEPS, seen.size(), "image to caption, then caption to image");
        assertEquals(1, seen.get(seen.size() - 1).stageIndex());

        seen.clear();
        TextResult t = unidiff.textVariation(new TextVariationRequest("a photo of the cat", fast(7)),
                RunControl.progress(seen::add));
        assertEquals(1, t.texts().size());
        assertEquals(2 * STEPS, seen.size());
    }

    /** Every group size the manifest allows, a clean reference in slot 0 from size 2 on. */
    @Test
    void groupsUpToTheManifestMaximum() {
        int max = unidiff.manifest().group().maxSize();
        assertEquals(4, max);
        BufferedImage reference = TinyBundle.gradient(16, 16);
        for (int g = 1; g <= max; g++) {
            List<GroupSlot> slots = new ArrayList<>();
            slots.add(g == 1 ? GroupSlot.generate("a cat") : GroupSlot.reference(reference, "a red cat"));
            for (int i = 1; i < g; i++) {
                slots.add(GroupSlot.generate(i % 2 == 0 ? "" : "a blue dog"));
            }
            GroupResult r = unidiff.group(GroupRequest.of(slots, fast(8).withOutputs(2)));
            assertEquals(2, r.groups().size(), "group of " + g);
            for (List<BufferedImage> group : r.groups()) {
                assertEquals(g, group.size());
                group.forEach(TinyV1TasksTest::assertModelSized);
            }
            int generated = g == 1 ? 0 : 1;
            assertFalse(TinyBundle.samePixels(r.groups().get(0).get(generated), r.groups().get(1).get(generated)),
                    "generated slots differ between outputs (group of " + g + ")");
            if (g > 1) {
                assertTrue(TinyBundle.samePixels(r.groups().get(0).get(0), r.groups().get(1).get(0)),
                        "the reference slot is the same in every output");
            }
        }
        List<GroupSlot> tooMany = new ArrayList<>();
        for (int i = 0; i <= max; i++) {
            tooMany.add(GroupSlot.generate("a cat"));
        }
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> unidiff.group(GroupRequest.of(tooMany, fast(1))));
        assertEquals("slots", e.field());
    }
}
