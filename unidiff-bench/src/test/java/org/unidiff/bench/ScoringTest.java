package org.unidiff.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.unidiff.shapes.Analysis;
import org.unidiff.shapes.Analyzer;
import org.unidiff.shapes.Background;
import org.unidiff.shapes.CaptionAttributes;
import org.unidiff.shapes.Color;
import org.unidiff.shapes.EvalPrompt;
import org.unidiff.shapes.Position;
import org.unidiff.shapes.Renderer;
import org.unidiff.shapes.Scene;
import org.unidiff.shapes.SceneAttributes;
import org.unidiff.shapes.Shape;
import org.unidiff.shapes.Size;

/** The scoring functions on images and captions whose truth is known. */
class ScoringTest {

    private static final Scene RED_CIRCLE = Scene.centered(Background.BLACK, Color.RED, Shape.CIRCLE, Size.LARGE,
            Position.TOP_LEFT);

    private static Analysis analyze(Scene scene) {
        return Analyzer.analyze(Renderer.renderImage(scene));
    }

    private static Scene withColor(Scene s, Color color) {
        return new Scene(s.background(), color, s.shape(), s.size(), s.position(), s.centerX(), s.centerY());
    }

    private static Scene withSize(Scene s, Size size) {
        return new Scene(s.background(), s.color(), s.shape(), size, s.position(), s.centerX(), s.centerY());
    }

    private static Analysis blank() {
        return Analyzer.analyze(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB));
    }

    @Test
    void renderScoredAgainstItsOwnFullCaptionIsAllCorrect() {
        PromptAccuracy accuracy = new PromptAccuracy();
        List<EvalPrompt> prompts = PromptSets.evaluation(3, 120, PromptSets.Pairs.ANY);
        for (EvalPrompt p : prompts) {
            accuracy.add(CaptionAttributes.full(p.scene()), analyze(p.scene()));
        }
        assertEquals(120, accuracy.allStated().count());
        assertEquals(1.0, accuracy.allStated().value());
        for (Attribute a : Attribute.values()) {
            assertEquals(120, accuracy.attribute(a).count(), a.label());
            assertEquals(1.0, accuracy.attribute(a).value(), a.label());
        }
    }

    @Test
    void wrongColorRenderFailsColorOnly() {
        PromptAccuracy accuracy = new PromptAccuracy();
        accuracy.add(CaptionAttributes.full(RED_CIRCLE), analyze(withColor(RED_CIRCLE, Color.BLUE)));
        assertEquals(0.0, accuracy.attribute(Attribute.COLOR).value());
        for (Attribute a : List.of(Attribute.BACKGROUND, Attribute.SHAPE, Attribute.SIZE, Attribute.POSITION)) {
            assertEquals(1.0, accuracy.attribute(a).value(), a.label());
        }
        assertEquals(0.0, accuracy.allStated().value());
    }

    @Test
    void partialPromptCountsOnlyWhatItStates() {
        PromptAccuracy accuracy = new PromptAccuracy();
        // "a circle at the top left": the wrong colour of the image is not the prompt's business.
        CaptionAttributes prompt = CaptionAttributes.of(RED_CIRCLE, false, false, true, false);
        accuracy.add(prompt, analyze(withColor(RED_CIRCLE, Color.GREEN)));
        assertEquals(1.0, accuracy.allStated().value());
        assertEquals(1, accuracy.attribute(Attribute.SHAPE).count());
        assertEquals(1, accuracy.attribute(Attribute.POSITION).count());
        assertEquals(0, accuracy.attribute(Attribute.COLOR).count());
        assertEquals(2, accuracy.rows("t2i", Target.atLeast(0.8)).size() - 1, "rows only for stated attributes");
    }

    @Test
    void imageWithoutObjectMissesEveryStatedAttribute() {
        PromptAccuracy accuracy = new PromptAccuracy();
        accuracy.add(CaptionAttributes.full(RED_CIRCLE), blank());
        for (Attribute a : Attribute.values()) {
            assertEquals(0.0, accuracy.attribute(a).value(), a.label());
        }
        assertEquals(0.0, accuracy.allStated().value());
        // A black image is no object, but its background is the prompt's black; it has no colour.
        assertEquals(1.0, accuracy.backgroundAnyImage().value());
        assertEquals(0.0, accuracy.colorAnyImage().value());
        assertEquals(1, accuracy.colorAnyImage().count());
    }

    @Test
    void captionsAreScoredOnWhatTheyStateAndParseFailuresCountAsWrong() {
        SceneAttributes truth = SceneAttributes.of(RED_CIRCLE);
        CaptionAccuracy accuracy = new CaptionAccuracy();
        accuracy.add("a large red circle at the top left on a black background", truth);
        accuracy.add("a large blue circle at the top left on a black background", truth);
        accuracy.add("a circle", truth);
        accuracy.add("the red circle", truth);
        assertEquals(0.75, accuracy.parses().value());
        assertEquals(4, accuracy.parses().count());
        assertEquals(0.5, accuracy.allRight().value(), "the full right caption and 'a circle'");
        assertEquals(4, accuracy.allRight().count());
        assertEquals(0.5, accuracy.attribute(Attribute.COLOR).value());
        assertEquals(2, accuracy.attribute(Attribute.COLOR).count());
        assertEquals(1.0, accuracy.attribute(Attribute.SHAPE).value());
        assertEquals(3, accuracy.attribute(Attribute.SHAPE).count());
        assertEquals(1.0, accuracy.attribute(Attribute.BACKGROUND).value());
    }

    @Test
    void jointPairAgreesOnlyWhenCaptionParsesAndMatchesTheImage() {
        JointAgreement joint = new JointAgreement();
        Analysis image = analyze(RED_CIRCLE);
        joint.add("a red circle at the top left", image);
        joint.add("a red circle at the bottom", image);
        joint.add("red circle", image);
        joint.add("a red circle", blank());
        assertEquals(1, joint.agrees().hits());
        assertEquals(4, joint.agrees().count());
        assertEquals(0.75, joint.captionParses().value());
        assertEquals(0.75, joint.imageValid().value());
    }

    @Test
    void distinctScenesIgnoreJitterAndInvalidImages() {
        UnconditionalImages images = new UnconditionalImages();
        images.add(analyze(RED_CIRCLE));
        images.add(analyze(RED_CIRCLE.withCenter(RED_CIRCLE.centerX() + 2.5, RED_CIRCLE.centerY() - 2)));
        images.add(analyze(RED_CIRCLE.withCenter(RED_CIRCLE.centerX() - 1, RED_CIRCLE.centerY() + 3)));
        images.add(analyze(withSize(RED_CIRCLE, Size.SMALL)));
        images.add(blank());
        assertEquals(2, images.distinctScenes());
        assertEquals(0.8, images.valid().value(), 1e-12);
        assertEquals(5, images.valid().count());
    }

    @Test
    void everyOneOfTheSceneCombinationsCountsOnce() {
        UnconditionalImages images = new UnconditionalImages();
        for (Scene s : Scene.allCentered()) {
            images.add(analyze(s));
        }
        assertEquals(Scene.COMBINATIONS, images.distinctScenes());
        assertEquals(1.0, images.valid().value());
    }

    @Test
    void variationKeepsEachAttributeSeparately() {
        VariationKeeping keeping = new VariationKeeping();
        SceneAttributes source = SceneAttributes.of(RED_CIRCLE);
        keeping.add(source, analyze(withSize(RED_CIRCLE, Size.SMALL)));
        keeping.add(source, analyze(RED_CIRCLE));
        keeping.add(source, blank());
        assertEquals(1.0 / 3, keeping.kept(Attribute.SIZE).value(), 1e-12);
        assertEquals(2.0 / 3, keeping.kept(Attribute.COLOR).value(), 1e-12);
        assertEquals(1.0 / 3, keeping.allKept().value(), 1e-12);
    }

    @Test
    void groupAgreementCountsGroupsWhoseImagesAllShareTheAttribute() {
        Scene a = RED_CIRCLE;
        Scene b = Scene.centered(Background.BLACK, Color.RED, Shape.SQUARE, Size.LARGE, Position.BOTTOM_RIGHT);
        Scene c = Scene.centered(Background.BLACK, Color.RED, Shape.TRIANGLE, Size.SMALL, Position.CENTER);
        GroupAgreement agreement = new GroupAgreement();
        agreement.add(List.of(analyze(a), analyze(b), analyze(c)), Attribute.STYLE);
        agreement.add(List.of(analyze(a), analyze(withColor(b, Color.YELLOW))), Attribute.STYLE);
        agreement.add(List.of(analyze(a), blank()), Set.of(Attribute.COLOR));
        assertEquals(1.0 / 3, agreement.agreement(Attribute.COLOR).value(), 1e-12);
        assertEquals(3, agreement.agreement(Attribute.COLOR).count());
        assertEquals(1.0, agreement.agreement(Attribute.BACKGROUND).value());
        assertEquals(2, agreement.agreement(Attribute.BACKGROUND).count());
        assertEquals(0.5, agreement.agreement(Attribute.SIZE).value(), "c is small, a is large");
        assertEquals(0, agreement.agreement(Attribute.SHAPE).count());
        assertTrue(GroupAgreement.allAgree(List.of(analyze(a)), Attribute.SHAPE));
        assertFalse(GroupAgreement.allAgree(List.of(analyze(a), analyze(b)), Attribute.SHAPE));
        assertThrows(IllegalArgumentException.class, () -> GroupAgreement.allAgree(List.of(), Attribute.COLOR));
    }

    @Test
    void referenceAgreementComparesUnstatedStyleWithTheReference() {
        SceneAttributes reference = SceneAttributes.of(RED_CIRCLE);
        Scene sameStyle = Scene.centered(Background.BLACK, Color.RED, Shape.DIAMOND, Size.LARGE, Position.CENTER);
        ReferenceAgreement agreement = new ReferenceAgreement();
        agreement.add(reference, analyze(sameStyle), Attribute.STYLE);
        agreement.add(reference, analyze(withColor(sameStyle, Color.ORANGE)), Attribute.STYLE);
        agreement.add(reference, analyze(withColor(sameStyle, Color.ORANGE)), Set.of(Attribute.SIZE));
        agreement.add(reference, blank(), Attribute.STYLE);
        assertEquals(0.5, agreement.allEqual().value(), "the same style, and the orange one scored on size only");
        assertEquals(4, agreement.allEqual().count());
        assertEquals(1.0 / 3, agreement.attribute(Attribute.COLOR).value(), 1e-12);
        assertEquals(0.75, agreement.attribute(Attribute.SIZE).value());
        assertThrows(IllegalArgumentException.class, () -> agreement.add(reference, analyze(sameStyle), Set.of()));
    }

    @Test
    void attributesReadScenesAndCaptions() {
        CaptionAttributes partial = new CaptionAttributes(Optional.empty(), Optional.of(Color.RED), Shape.SQUARE,
                Optional.empty(), Optional.of(Background.WHITE));
        List<Object> stated = new ArrayList<>();
        for (Attribute a : Attribute.values()) {
            stated.add(a.statedIn(partial).orElse(null));
        }
        assertEquals(java.util.Arrays.asList(Background.WHITE, Color.RED, Shape.SQUARE, null, null), stated);
        SceneAttributes s = SceneAttributes.of(RED_CIRCLE);
        assertEquals(List.of(Background.BLACK, Color.RED, Shape.CIRCLE, Size.LARGE, Position.TOP_LEFT),
                java.util.Arrays.stream(Attribute.values()).map(a -> a.of(s)).toList());
    }
}
