package org.unidiff.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.unidiff.shapes.CaptionParser;
import org.unidiff.shapes.EvalPrompt;
import org.unidiff.shapes.SceneGroup;

/** The fixed prompt and group sets, the request split and the metric names. */
class PromptSetsTest {

    @Test
    void evaluationSubsetsAreFixedDistinctAndFiltered() {
        List<EvalPrompt> seen = PromptSets.evaluation(11, 200, PromptSets.Pairs.SEEN);
        assertEquals(seen, PromptSets.evaluation(11, 200, PromptSets.Pairs.SEEN));
        assertNotEquals(seen, PromptSets.evaluation(12, 200, PromptSets.Pairs.SEEN));
        assertTrue(seen.stream().noneMatch(EvalPrompt::heldOut));
        assertEquals(200, seen.stream().map(EvalPrompt::index).distinct().count());
        List<EvalPrompt> heldOut = PromptSets.evaluation(11, 300, PromptSets.Pairs.HELD_OUT);
        assertEquals(300, heldOut.size(), "more than the 216 held-out scenes of one repeat");
        assertTrue(heldOut.stream().allMatch(p -> p.heldOut() && p.scene().isHeldOut()));
        assertEquals(300, heldOut.stream().map(EvalPrompt::index).distinct().count());
        for (EvalPrompt p : seen) {
            assertTrue(CaptionParser.attributes(p.prompt()).orElseThrow().isFull());
        }
    }

    @Test
    void groupsRespectTheModelsLimitAndCaptionsStateNoStyle() {
        List<SceneGroup> groups = PromptSets.groups(5, 200, 3);
        assertEquals(groups, PromptSets.groups(5, 200, 3));
        Set<Integer> sizes = new HashSet<>();
        for (SceneGroup g : groups) {
            sizes.add(g.members().size());
            for (var scene : g.members()) {
                var stated = CaptionParser.attributes(PromptSets.shapeAndPosition(scene)).orElseThrow();
                assertTrue(stated.color().isEmpty() && stated.size().isEmpty() && stated.background().isEmpty());
                assertEquals(scene.shape(), stated.shape());
                assertEquals(scene.position(), stated.position().orElseThrow());
            }
        }
        assertEquals(Set.of(2, 3), sizes);
        assertThrows(IllegalArgumentException.class, () -> PromptSets.groups(5, 1, 1));
    }

    @Test
    void splitMakesFullRequestsAndAShorterLastOne() {
        assertArrayEquals(new int[] {4, 4, 2}, PromptSets.split(10, 4));
        assertArrayEquals(new int[] {3}, PromptSets.split(3, 8));
        assertArrayEquals(new int[] {1, 1}, PromptSets.split(2, 1));
        assertThrows(IllegalArgumentException.class, () -> PromptSets.split(0, 4));
    }

    @Test
    void metricNamesParseAndUnknownOnesAreNamed() {
        assertEquals(Set.of(QualityMetric.values()), QualityMetric.parseList("all"));
        assertEquals(Set.of(QualityMetric.T2I, QualityMetric.GROUP_REF), QualityMetric.parseList(" group-ref,t2i "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QualityMetric.parseList("t2i,speed"));
        assertTrue(e.getMessage().contains("'speed'") && e.getMessage().contains("image-only"), e.getMessage());
    }

    @Test
    void routesShareTheirCounterpartsSeedsAndOtherMetricsNever() {
        assertEquals(QualityMetric.JOINT.seedSalt(), QualityMetric.JOINT_VIA_TEXT.seedSalt());
        assertEquals(QualityMetric.IMAGE_ONLY.seedSalt(), QualityMetric.IMAGE_ONLY_VIA_TEXT.seedSalt());
        Set<Integer> salts = new java.util.HashSet<>();
        for (QualityMetric m : QualityMetric.values()) {
            if (!m.id().endsWith("-via-text")) {
                assertTrue(salts.add(m.seedSalt()), m + " shares its seeds with another metric");
            }
        }
    }

    @Test
    void settingsRefuseBadSizesAndScales() {
        QualitySettings d = QualitySettings.defaults();
        assertThrows(IllegalArgumentException.class, () -> new QualitySettings(1, null, null, 0, 300, 100, 4,
                d.guidanceScales()));
        assertThrows(IllegalArgumentException.class, () -> new QualitySettings(1, null, null, 10, 300, 100, 65,
                d.guidanceScales()));
        assertThrows(IllegalArgumentException.class, () -> new QualitySettings(1, null, null, 10, 300, 100, 4,
                List.of(0.0, 3.0, 1.0)));
    }
}
