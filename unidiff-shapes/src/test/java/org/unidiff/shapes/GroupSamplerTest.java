package org.unidiff.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GroupSamplerTest {

    @Test
    void trainingGroupsKeepTheInvariantsAndNeverShowAHeldOutPair() {
        SplittableRandom random = new SplittableRandom(4);
        GroupSampler sampler = GroupSampler.forTraining();
        int[] sizes = new int[5];
        Set<Style> styles = new HashSet<>();
        for (int i = 0; i < 6000; i++) {
            SceneGroup group = sampler.sample(random);
            sizes[group.members().size()]++;
            styles.add(group.style());
            Set<String> layouts = new HashSet<>();
            for (Scene member : group.members()) {
                assertEquals(group.style(), Style.of(member));
                assertFalse(member.isHeldOut(), "held-out pair in a training group: " + member);
                assertTrue(layouts.add(member.shape() + "@" + member.position()), "repeated layout " + group);
            }
        }
        assertEquals(0, sizes[0] + sizes[1]);
        for (int n = 2; n <= 4; n++) {
            assertEquals(2000, sizes[n], 150, "groups of " + n);
        }
        assertEquals(3 * 6 * 2, styles.size(), "every style occurs");
    }

    @Test
    void evaluationGroupsMayShowHeldOutPairs() {
        SplittableRandom random = new SplittableRandom(5);
        GroupSampler sampler = GroupSampler.forEvaluation();
        boolean sawHeldOut = false;
        for (int i = 0; i < 2000 && !sawHeldOut; i++) {
            sawHeldOut = sampler.sample(random).members().stream().anyMatch(Scene::isHeldOut);
        }
        assertTrue(sawHeldOut);
    }

    @Test
    void trainingScenesCoverExactlyTheNonHeldOutCombinations() {
        SceneSampler sampler = SceneSampler.forTraining();
        assertEquals(1296 - 4 * 3 * 2 * 9, sampler.combinations().size());
        assertTrue(sampler.combinations().stream().noneMatch(SceneAttributes::isHeldOut));
        assertEquals(1296, SceneSampler.forEvaluation().combinations().size());
    }

    @Test
    void groupConstructorRejectsBrokenGroups() {
        Style style = new Style(Background.WHITE, Color.RED, Size.SMALL);
        Scene a = Scene.centered(Background.WHITE, Color.RED, Shape.CIRCLE, Size.SMALL, Position.TOP);
        Scene sameLayout = a.withCenter(33, 17);
        Scene otherColour = Scene.centered(Background.WHITE, Color.BLUE, Shape.SQUARE, Size.SMALL, Position.TOP);
        assertThrows(IllegalArgumentException.class, () -> new SceneGroup(style, List.of(a)));
        assertThrows(IllegalArgumentException.class, () -> new SceneGroup(style, List.of(a, sameLayout)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SceneGroup(style, List.of(a, otherColour)));
        assertTrue(e.getMessage().contains("style"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> GroupSampler.forTraining().sample(style, 5, new SplittableRandom(1)));
    }
}
