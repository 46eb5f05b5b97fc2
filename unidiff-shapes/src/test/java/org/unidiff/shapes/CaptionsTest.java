package org.unidiff.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The sampling rules, checked against their exact expectations. With n = 40000 draws a frequency's standard
 * error is at most 0.0025, so a 0.012 tolerance is about five standard errors: a wrong rule (say 0.5 instead
 * of 0.3) fails, while the fixed seeds keep the test deterministic.
 */
class CaptionsTest {

    private static final int DRAWS = 40_000;
    private static final double TOLERANCE = 0.012;
    private static final Scene SCENE =
            Scene.centered(Background.GRAY, Color.GREEN, Shape.SQUARE, Size.LARGE, Position.BOTTOM_LEFT);

    @Test
    void singleCaptionsFollowTheFullOrHalfRule() {
        SplittableRandom random = new SplittableRandom(1);
        int full = 0;
        int[] kept = new int[4];
        for (int i = 0; i < DRAWS; i++) {
            CaptionAttributes stated = Captions.sampleSingle(SCENE, random);
            assertTrue(stated.agreesWith(SCENE));
            full += stated.isFull() ? 1 : 0;
            kept[0] += stated.size().isPresent() ? 1 : 0;
            kept[1] += stated.color().isPresent() ? 1 : 0;
            kept[2] += stated.position().isPresent() ? 1 : 0;
            kept[3] += stated.background().isPresent() ? 1 : 0;
        }
        // Full with 1/2, else each clause with 1/2: P(full) = 1/2 + 1/2 * 1/16, P(clause) = 1/2 + 1/4.
        assertEquals(0.5 + 0.5 / 16, full / (double) DRAWS, TOLERANCE);
        for (int k : kept) {
            assertEquals(0.75, k / (double) DRAWS, TOLERANCE);
        }
    }

    @Test
    void groupCaptionsNameShapeUsuallyPositionAndRarelyStyle() {
        SplittableRandom random = new SplittableRandom(2);
        int[] kept = new int[4];
        for (int i = 0; i < DRAWS; i++) {
            CaptionAttributes stated = Captions.sampleGroupMember(SCENE, random);
            assertEquals(Shape.SQUARE, stated.shape());
            kept[0] += stated.position().isPresent() ? 1 : 0;
            kept[1] += stated.size().isPresent() ? 1 : 0;
            kept[2] += stated.color().isPresent() ? 1 : 0;
            kept[3] += stated.background().isPresent() ? 1 : 0;
        }
        assertEquals(Captions.GROUP_POSITION_PROBABILITY, kept[0] / (double) DRAWS, TOLERANCE);
        for (int k = 1; k < 4; k++) {
            assertEquals(0.3, kept[k] / (double) DRAWS, TOLERANCE);
        }
    }

    @Test
    void sampleForPicksTheRuleByGroupSize() {
        SplittableRandom random = new SplittableRandom(3);
        Scene other = SCENE.withCenter(SCENE.centerX() + 1, SCENE.centerY());
        Scene second = Scene.centered(Background.GRAY, Color.GREEN, Shape.CIRCLE, Size.LARGE, Position.TOP);
        int singleFull = 0;
        int groupFull = 0;
        for (int i = 0; i < 4000; i++) {
            singleFull += CaptionParser.attributes(Captions.sampleFor(List.of(other), random).get(0))
                    .orElseThrow().isFull() ? 1 : 0;
            List<String> pair = Captions.sampleFor(List.of(SCENE, second), random);
            assertEquals(2, pair.size());
            assertTrue(CaptionParser.attributes(pair.get(1)).orElseThrow().agreesWith(second));
            groupFull += CaptionParser.attributes(pair.get(0)).orElseThrow().isFull() ? 1 : 0;
        }
        // Single rule: about 53% full; group rule: 0.8 * 0.3^3, about 2%.
        assertTrue(singleFull > 2000, "single full " + singleFull);
        assertTrue(groupFull < 200, "group full " + groupFull);
        assertThrows(IllegalArgumentException.class, () -> Captions.sampleFor(List.of(), random));
    }
}
