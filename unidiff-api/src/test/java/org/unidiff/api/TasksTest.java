package org.unidiff.api;

import org.unidiff.api.core.GenerationParameters;
import org.unidiff.api.core.MarginalRoute;
import org.unidiff.api.core.Progress;
import org.unidiff.api.core.RunControl;
import org.unidiff.api.core.SamplingOptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every task runs through the facade with the right number of model evaluations, the right
 * result shapes and the resolved parameters. Quality is checked on the trained default model
 * elsewhere; this bundle has random weights.
 */
class TasksTest {

    private static Unidiff unidiff;

    @BeforeAll
    static void open() {
        unidiff = TinyBundle.open();
    }

    @AfterAll
    static void close() {
        unidiff.close();
    }

    private static List<Progress> recorder(List<Progress> into) {
        return into;
    }

    @Test
    void textToImageReportsEveryEvaluationAndResolvesDefaults() {
        List<Progress> seen = new ArrayList<>();
        ImageResult r = unidiff.textToImage(new TextToImageRequest("a red circle",
                SamplingOptions.defaults().withSeed(9).withSteps(7)), RunControl.progress(seen::add));
        assertEquals(1, r.images().size());
        assertEquals(64, r.image().getWidth());
        assertEquals(7, seen.size(), "one progress report per model evaluation");
        for (int i = 0; i < seen.size(); i++) {
            assertEquals(i, seen.get(i).evaluation());
            assertEquals(7, seen.get(i).totalEvaluations());
        }
        GenerationParameters p = r.parameters();
        assertEquals("dpm-solver", p.sampler(), "bundle default sampler");
        assertEquals(7.0, p.guidanceScale(), "bundle default guidance");
        assertEquals(7, p.steps());
        assertEquals(List.of("a red circle"), p.prompts());
        assertEquals("random-tiny", p.model());
    }

    @Test
    void everySamplerRuns() {
        for (String sampler : List.of("dpm-solver", "dpm-solver++", "ddim", "euler")) {
            ImageResult r = unidiff.textToImage(new TextToImageRequest("a circle",
                    TinyBundle.fast(1).withSampler(sampler)));
            assertEquals(sampler, r.parameters().sampler());
        }
    }

    @Test
    void captionJointAndUnconditionalTasks() {
        TextResult caption = unidiff.imageToText(new ImageToTextRequest(TinyBundle.gradient(100, 70),
                TinyBundle.fast(2).withOutputs(2)));
        assertEquals(2, caption.texts().size());
        caption.texts().forEach(t -> assertNotNull(t));

        JointResult joint = unidiff.joint(new JointRequest(TinyBundle.fast(3).withOutputs(2)));
        assertEquals(2, joint.images().size());
        assertEquals(2, joint.texts().size());

        assertEquals(3, unidiff.imageOnly(new ImageOnlyRequest(TinyBundle.fast(4).withOutputs(3))).images().size());
        assertEquals(2, unidiff.textOnly(new TextOnlyRequest(TinyBundle.fast(5).withOutputs(2))).texts().size());
    }

    @Test
    void viaTextDrawsTheTextOnlyCaptionThenItsImage() {
        SamplingOptions o = TinyBundle.fast(9).withOutputs(2);
        List<Progress> seen = new ArrayList<>();
        JointResult joint = unidiff.joint(new JointRequest(o, MarginalRoute.VIA_TEXT), RunControl.progress(seen::add));
        assertEquals(unidiff.textOnly(new TextOnlyRequest(o)).texts(), joint.texts(),
                "the first stage is the text-only task with the same seed");
        assertEquals(12, seen.size(), "two stages of 6 evaluations");
        assertEquals("joint: image", seen.get(11).stage());
        ImageResult images = unidiff.imageOnly(new ImageOnlyRequest(o, MarginalRoute.VIA_TEXT));
        for (int i = 0; i < 2; i++) {
            assertTrue(TinyBundle.samePixels(joint.images().get(i), images.images().get(i)),
                    "image-only via text draws joint via text's image " + i);
        }
        ImageResult direct = unidiff.imageOnly(new ImageOnlyRequest(o));
        assertFalse(TinyBundle.samePixels(direct.images().get(0), images.images().get(0)), "the routes differ");
        assertEquals("via-text", joint.parameters().route());
        assertEquals("direct", direct.parameters().route());
        assertEquals("via-text", images.parameters().asText().get("route"));
        assertNull(unidiff.textOnly(new TextOnlyRequest(o)).parameters().route(), "one route: none recorded");
    }

    @Test
    void variationsRunTwoStages() {
        List<Progress> seen = new ArrayList<>();
        ImageResult v = unidiff.imageVariation(new ImageVariationRequest(TinyBundle.gradient(64, 64),
                TinyBundle.fast(6)), RunControl.progress(seen::add));
        assertEquals(1, v.images().size());
        assertEquals(12, seen.size(), "two stages of 6 evaluations");
        assertEquals(0, seen.get(0).stageIndex());
        assertEquals(1, seen.get(11).stageIndex());
        assertTrue(seen.get(11).fraction() < 1.0 && seen.get(11).fraction() > 0.5);

        TextResult t = unidiff.textVariation(new TextVariationRequest("a green square", TinyBundle.fast(7)));
        assertEquals(1, t.texts().size());
    }

    @Test
    void groupsKeepReferencesAndGenerateTheRest() {
        BufferedImage reference = TinyBundle.gradient(64, 64);
        GroupResult r = unidiff.group(GroupRequest.of(List.of(
                GroupSlot.reference(reference, "a red circle"),
                GroupSlot.generate("a red square"),
                GroupSlot.generate("")), TinyBundle.fast(8).withOutputs(2)));
        assertEquals(2, r.groups().size());
        for (List<BufferedImage> group : r.groups()) {
            assertEquals(3, group.size());
            assertTrue(TinyBundle.samePixels(group.get(0), r.groups().get(0).get(0)),
                    "the reference slot is the same in every output");
        }
        assertFalse(TinyBundle.samePixels(r.groups().get(0).get(1), r.groups().get(1).get(1)),
                "generated slots differ between outputs");
        assertEquals(List.of("a red circle", "a red square", ""), r.parameters().prompts());

        GroupResult renoised = unidiff.group(new GroupRequest(List.of(
                GroupSlot.reference(reference, ""), GroupSlot.generate("a circle")),
                ReferenceMode.RENOISE, TinyBundle.fast(8)));
        assertEquals(2, renoised.groups().get(0).size());
    }

    @Test
    void groupGuidanceDropsReferencesOnlyWhenAsked() {
        List<GroupSlot> withReference = List.of(GroupSlot.reference(TinyBundle.gradient(64, 64), "a red circle"),
                GroupSlot.generate("a red square"));
        List<GroupSlot> without = List.of(GroupSlot.generate("a red circle"), GroupSlot.generate("a red square"));
        SamplingOptions o = TinyBundle.fast(10);
        for (boolean references : List.of(true, false)) {
            List<GroupSlot> slots = references ? withReference : without;
            BufferedImage both = unidiff.group(new GroupRequest(slots, ReferenceMode.CLEAN,
                    GroupGuidance.CAPTIONS_AND_REFERENCES, o)).groups().get(0).get(1);
            BufferedImage captions = unidiff.group(new GroupRequest(slots, ReferenceMode.CLEAN,
                    GroupGuidance.CAPTIONS, o)).groups().get(0).get(1);
            assertEquals(!references, TinyBundle.samePixels(both, captions),
                    references ? "a reference changes the unconditional pass" : "nothing to drop without references");
        }
        assertEquals(GroupGuidance.CAPTIONS_AND_REFERENCES, GroupRequest.of(withReference, o).guidance(), "default");
    }
}
