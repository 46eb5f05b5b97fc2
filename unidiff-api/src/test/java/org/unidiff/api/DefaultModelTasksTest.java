package org.unidiff.api;

import org.unidiff.api.core.MarginalRoute;
import org.unidiff.api.core.SamplingOptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unidiff.shapes.Analysis;
import org.unidiff.shapes.Analyzer;
import org.unidiff.shapes.CaptionAttributes;
import org.unidiff.shapes.CaptionParser;
import org.unidiff.shapes.Captions;
import org.unidiff.shapes.Renderer;
import org.unidiff.shapes.Scene;
import org.unidiff.shapes.SceneAttributes;
import org.unidiff.shapes.SceneSampler;

/**
 * Every task through the public API on the bundled default model, judged by the shapes-world
 * analyzer and caption parser: the outputs must be right, not merely present.
 *
 * <p>The sets are small (CI has two cores) and fixed by seed, so every rate here is reproducible
 * on an execution provider. Each threshold sits at least two items below the rate measured on
 * these sets and above what a task that ignores its condition would give by chance, so a failure
 * means a task broke, not bad luck. Besides whole-scene checks (one object with every attribute
 * right), image checks use what the analyzer recognizes even in images that are not one object
 * (background, colour), because the committed model does not draw a single object every time;
 * the large-set rates are in docs/quality-default.md. Every rate is logged at INFO so that a run
 * shows how much margin is left.
 */
class DefaultModelTasksTest {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultModelTasksTest.class);

    /** Fewer steps than the bundle's default keeps CI quick; quality holds at 20. */
    private static final int STEPS = 20;

    // Thresholds: see the class comment. Measured on these sets (CPU, the patch-4 model of
    // 2026-11-22, session 3; via-text routes and reference guidance session 4) in brackets;
    // chance in braces. The smaller, longer-trained model of session 4 measures every rate at or
    // above its bracket except text->image colour (8/12) and the direct joint (6/8, equal).
    private static final double THRESHOLD_T2I_ALL = 0.16;          // [4/12] {1/1296}
    private static final double THRESHOLD_T2I_BACKGROUND = 0.80;   // [12/12] {1/3}
    private static final double THRESHOLD_T2I_COLOR = 0.50;        // [9/12] {1/6}
    private static final double THRESHOLD_CAPTION = 0.75;          // [12/12] {< 0.01}
    private static final double THRESHOLD_JOINT = 0.50;            // [6/8]
    private static final double THRESHOLD_IMAGE_ONLY = 0.75;       // [12/12]
    private static final double THRESHOLD_IMAGE_ONLY_VALID = 0.16; // [5/12]
    private static final double THRESHOLD_IMAGE_ONLY_VIA_TEXT = 0.66; // [10/12]; direct route [5/12]
    private static final double THRESHOLD_JOINT_VIA_TEXT = 0.50;   // [8/12]
    private static final double THRESHOLD_TEXT_ONLY = 0.75;        // [12/12]
    private static final double THRESHOLD_VARIATION = 0.40;        // [8/12] {1/3}
    private static final double THRESHOLD_TEXT_VARIATION = 0.75;   // [8/8]
    private static final double THRESHOLD_GROUP = 0.66;            // [6/6] {1/9}
    private static final double THRESHOLD_GROUP_REFERENCE = 0.83;  // [12/12] {1/3}
    private static final double THRESHOLD_GROUP_REFERENCE_COLOR = 0.66; // [10/12] {1/6}

    private static Unidiff unidiff;

    @BeforeAll
    static void open() {
        unidiff = Unidiff.openDefault();
    }

    @AfterAll
    static void close() {
        unidiff.close();
    }

    private static SamplingOptions options(long seed, int outputs) {
        return new SamplingOptions(seed, STEPS, null, null, outputs, null);
    }

    /** Seen (not held-out) scenes, each with its own jitter, from a fixed seed. */
    private static List<Scene> scenes(long seed, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        SceneSampler sampler = SceneSampler.forTraining();
        List<Scene> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(sampler.sample(random));
        }
        return out;
    }

    private static double rate(int hits, int count) {
        return count == 0 ? 0.0 : (double) hits / count;
    }


    private static void assertRate(String what, int hits, int count, double atLeast) {
        double r = rate(hits, count);
        LOG.info(String.format(Locale.ROOT, "%s: %d of %d (%.3f), threshold %.2f", what, hits, count, r, atLeast));
        assertTrue(r >= atLeast, String.format(Locale.ROOT, "%s: %d of %d = %.3f, expected at least %.2f",
                what, hits, count, r, atLeast));
    }

    private static boolean captionAgrees(String caption, SceneAttributes truth) {
        Optional<CaptionAttributes> parsed = CaptionParser.attributes(caption);
        return parsed.isPresent() && parsed.get().agreesWith(truth);
    }

    @Test
    void textToImageDrawsWhatFullCaptionsSay() {
        List<Scene> scenes = scenes(101, 12);
        int all = 0;
        int background = 0;
        int color = 0;
        for (int i = 0; i < scenes.size(); i++) {
            Scene s = scenes.get(i);
            BufferedImage image = unidiff.textToImage(new TextToImageRequest(Captions.full(s), options(500 + i, 1)))
                    .image();
            Analysis analysis = Analyzer.analyze(image);
            Optional<SceneAttributes> found = analysis.attributes();
            all += found.isPresent() && CaptionAttributes.full(s).agreesWith(found.get()) ? 1 : 0;
            background += analysis.background().equals(Optional.of(s.background())) ? 1 : 0;
            color += analysis.color().equals(Optional.of(s.color())) ? 1 : 0;
        }
        assertRate("text->image, color right (any image)", color, scenes.size(), THRESHOLD_T2I_COLOR);
        assertRate("text->image, one object with all five attributes right", all, scenes.size(), THRESHOLD_T2I_ALL);
        assertRate("text->image, background right (any image)", background, scenes.size(), THRESHOLD_T2I_BACKGROUND);
    }

    @Test
    void captioningNamesTheAttributesOfTheImage() {
        List<Scene> scenes = scenes(202, 12);
        int right = 0;
        for (int i = 0; i < scenes.size(); i++) {
            Scene s = scenes.get(i);
            String caption = unidiff.imageToText(new ImageToTextRequest(Renderer.renderImage(s), options(600 + i, 1)))
                    .text();
            right += captionAgrees(caption, SceneAttributes.of(s)) ? 1 : 0;
        }
        assertRate("captioning, parses and every stated attribute right", right, scenes.size(),
                THRESHOLD_CAPTION);
    }

    @Test
    void jointCaptionsDescribeTheirImages() {
        JointResult r = unidiff.joint(new JointRequest(options(700, 8)));
        assertEquals(8, r.images().size());
        int agree = 0;
        for (int i = 0; i < r.images().size(); i++) {
            Analysis image = Analyzer.analyze(r.images().get(i));
            Optional<CaptionAttributes> caption = CaptionParser.attributes(r.texts().get(i));
            // The style the caption states must be the image's (images need not be one object).
            agree += caption.isPresent()
                    && (caption.get().background().isEmpty() || caption.get().background().equals(image.background()))
                    && (caption.get().color().isEmpty() || caption.get().color().equals(image.color())) ? 1 : 0;
        }
        assertRate("joint, caption parses and its stated background and color are the image's", agree, 8,
                THRESHOLD_JOINT);
    }

    @Test
    void imageOnlyDrawsPlainBackgroundsOfSeveralKinds() {
        List<BufferedImage> images = unidiff.imageOnly(new ImageOnlyRequest(options(800, 12))).images();
        int valid = 0;
        int plain = 0;
        Set<Object> backgrounds = new HashSet<>();
        for (BufferedImage image : images) {
            Analysis analysis = Analyzer.analyze(image);
            valid += analysis.isValid() ? 1 : 0;
            if (analysis.background().isPresent()) {
                plain++;
                backgrounds.add(analysis.background().get());
            }
        }
        assertRate("image only, one object", valid, images.size(), THRESHOLD_IMAGE_ONLY_VALID);
        assertRate("image only, palette background", plain, images.size(), THRESHOLD_IMAGE_ONLY);
        assertTrue(backgrounds.size() >= 2, "image only should not collapse to one background: " + backgrounds);
    }

    @Test
    void imageOnlyThroughTextDrawsOneObject() {
        List<BufferedImage> images = unidiff.imageOnly(new ImageOnlyRequest(options(800, 12), MarginalRoute.VIA_TEXT))
                .images();
        int valid = 0;
        for (BufferedImage image : images) {
            valid += Analyzer.analyze(image).isValid() ? 1 : 0;
        }
        assertRate("image only via text, one object", valid, images.size(), THRESHOLD_IMAGE_ONLY_VIA_TEXT);
    }

    @Test
    void jointThroughTextDrawsWhatItsCaptionSays() {
        JointResult r = unidiff.joint(new JointRequest(options(700, 12), MarginalRoute.VIA_TEXT));
        int agree = 0;
        for (int i = 0; i < r.images().size(); i++) {
            Analysis image = Analyzer.analyze(r.images().get(i));
            Optional<CaptionAttributes> caption = CaptionParser.attributes(r.texts().get(i));
            // As the direct route's test, plus: the image is one object.
            agree += caption.isPresent() && image.isValid()
                    && (caption.get().background().isEmpty() || caption.get().background().equals(image.background()))
                    && (caption.get().color().isEmpty() || caption.get().color().equals(image.color())) ? 1 : 0;
        }
        assertRate("joint via text, one object and the caption's stated background and color are the image's",
                agree, r.images().size(), THRESHOLD_JOINT_VIA_TEXT);
    }

    @Test
    void textOnlyWritesCaptionsOfTheGrammar() {
        List<String> texts = unidiff.textOnly(new TextOnlyRequest(options(900, 12))).texts();
        int parses = (int) texts.stream().filter(t -> CaptionParser.parse(t).parses()).count();
        assertRate("text only, captions that parse", parses, texts.size(), THRESHOLD_TEXT_ONLY);
    }

    @Test
    void imageVariationKeepsTheSourceBackground() {
        List<Scene> scenes = scenes(303, 6);
        int kept = 0;
        int count = 0;
        for (int i = 0; i < scenes.size(); i++) {
            Scene s = scenes.get(i);
            for (BufferedImage image : unidiff.imageVariation(new ImageVariationRequest(Renderer.renderImage(s),
                    options(1000 + i, 2))).images()) {
                Analysis analysis = Analyzer.analyze(image);
                kept += analysis.background().equals(Optional.of(s.background())) ? 1 : 0;
                count++;
            }
        }
        assertRate("image variation, keeps the background (any image)", kept, count, THRESHOLD_VARIATION);
    }

    @Test
    void textVariationKeepsTheStyleOfThePrompt() {
        List<Scene> scenes = scenes(404, 8);
        int styleKept = 0;
        for (int i = 0; i < scenes.size(); i++) {
            Scene s = scenes.get(i);
            String text = unidiff.textVariation(new TextVariationRequest(Captions.full(s), options(1100 + i, 1)))
                    .text();
            LOG.info("text variation of '{}': '{}'", Captions.full(s), text);
            // The variation may drop clauses (and, with this model, get shape or position wrong), but
            // it must parse and the background, colour and size it states must be the prompt's.
            Optional<CaptionAttributes> parsed = CaptionParser.attributes(text);
            styleKept += parsed.isPresent()
                    && parsed.get().background().map(b -> b == s.background()).orElse(true)
                    && parsed.get().color().map(c -> c == s.color()).orElse(true)
                    && parsed.get().size().map(z -> z == s.size()).orElse(true) ? 1 : 0;
        }
        assertRate("text variation, parses and states only the prompt's style", styleKept, scenes.size(),
                THRESHOLD_TEXT_VARIATION);
    }

    @Test
    void groupsWithoutReferencesShareTheUnstatedBackground() {
        int agree = 0;
        int groups = 6;
        SplittableRandom random = new SplittableRandom(505);
        for (int g = 0; g < groups; g++) {
            List<GroupSlot> slots = new ArrayList<>();
            for (Scene s : scenes(random.nextLong(), 3)) {
                slots.add(GroupSlot.generate(shapeAndPosition(s)));
            }
            List<BufferedImage> group = unidiff.group(GroupRequest.of(slots, options(1200 + g, 1))).groups().get(0);
            agree += allSame(group, Analysis::background) ? 1 : 0;
        }
        // Chance that three independent backgrounds agree is 1/9.
        assertRate("group of 3, unstated background shared (any image)", agree, groups, THRESHOLD_GROUP);
    }

    @Test
    void groupsFollowTheBackgroundOfTheirReference() {
        int matches = 0;
        int colors = 0;
        int count = 0;
        List<Scene> references = scenes(606, 6);
        SplittableRandom random = new SplittableRandom(607);
        for (int g = 0; g < references.size(); g++) {
            Scene reference = references.get(g);
            List<GroupSlot> slots = new ArrayList<>();
            slots.add(GroupSlot.reference(Renderer.renderImage(reference), shapeAndPosition(reference)));
            for (Scene s : scenes(random.nextLong(), 2)) {
                slots.add(GroupSlot.generate(shapeAndPosition(s)));
            }
            List<BufferedImage> group = unidiff.group(GroupRequest.of(slots, options(1300 + g, 1))).groups().get(0);
            for (BufferedImage generated : group.subList(1, group.size())) {
                Analysis analysis = Analyzer.analyze(generated);
                matches += analysis.background().equals(Optional.of(reference.background())) ? 1 : 0;
                colors += analysis.color().equals(Optional.of(reference.color())) ? 1 : 0;
                count++;
            }
        }
        assertRate("group with reference, background follows the reference (any image)", matches, count,
                THRESHOLD_GROUP_REFERENCE);
        // Guided by the reference too (the default GroupGuidance): before, color followed in 0.49.
        assertRate("group with reference, color follows the reference (any image)", colors, count,
                THRESHOLD_GROUP_REFERENCE_COLOR);
    }

    /** The caption of a group slot that leaves the style (background, color, size) unstated. */
    private static String shapeAndPosition(Scene s) {
        return CaptionAttributes.of(s, false, false, true, false).text();
    }

    /** Whether every image has the attribute and all have the same value. */
    private static <T> boolean allSame(List<BufferedImage> images, Function<Analysis, Optional<T>> attribute) {
        Set<T> values = new HashSet<>();
        for (BufferedImage image : images) {
            Optional<T> value = attribute.apply(Analyzer.analyze(image));
            if (value.isEmpty()) {
                return false;
            }
            values.add(value.get());
        }
        return values.size() == 1;
    }
}
