package org.unidiff.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.unidiff.shapes.Analysis;
import org.unidiff.shapes.Analyzer;
import org.unidiff.shapes.Background;
import org.unidiff.shapes.Color;
import org.unidiff.shapes.Position;
import org.unidiff.shapes.Renderer;
import org.unidiff.shapes.Scene;
import org.unidiff.shapes.SceneAttributes;
import org.unidiff.shapes.Shape;
import org.unidiff.shapes.Size;

/** The pair construction and the monotone test of the interpolation metric, on rendered scenes. */
class InterpolationBenchTest {

    private static final Scene A = Scene.centered(Background.BLACK, Color.RED, Shape.values()[0], Size.LARGE,
            Position.TOP_LEFT);

    @Test
    void aPairDiffersInExactlyTheChangedAttribute() {
        SplittableRandom random = new SplittableRandom(1);
        for (InterpolationBench.Change c : InterpolationBench.Change.values()) {
            for (int i = 0; i < 20; i++) {
                Scene b = InterpolationBench.changed(A, c, random);
                SceneAttributes x = SceneAttributes.of(A);
                SceneAttributes y = SceneAttributes.of(b);
                int differ = (x.background() != y.background() ? 1 : 0) + (x.color() != y.color() ? 1 : 0)
                        + (x.shape() != y.shape() ? 1 : 0) + (x.size() != y.size() ? 1 : 0)
                        + (x.position() != y.position() ? 1 : 0);
                assertEquals(1, differ, c + ": " + A + " -> " + b);
                assertNotEquals(c == InterpolationBench.Change.POSITION, x.position() == y.position());
            }
        }
    }

    @Test
    void keepsSharedIgnoresTheChangedAttributeOnly() {
        Scene b = Scene.centered(Background.BLACK, Color.BLUE, Shape.values()[0], Size.LARGE, Position.TOP_LEFT);
        Analysis blue = Analyzer.analyze(Renderer.renderImage(b));
        Analysis small = Analyzer.analyze(Renderer.renderImage(Scene.centered(Background.BLACK, Color.RED,
                Shape.values()[0], Size.SMALL, Position.TOP_LEFT)));
        assertTrue(InterpolationBench.keepsShared(blue, A, b), "colour is what changes");
        assertFalse(InterpolationBench.keepsShared(small, A, b), "size is shared and was lost");
    }

    private static List<Analysis> path(Position... cells) {
        List<Analysis> out = new ArrayList<>();
        for (Position p : cells) {
            out.add(Analyzer.analyze(Renderer.renderImage(Scene.centered(Background.BLACK, Color.RED,
                    Shape.values()[0], Size.SMALL, p))));
        }
        return out;
    }

    @Test
    void aWobbleWithinTheJitterPassesOnlyTheLooseSlack() {
        List<Analysis> wobble = new ArrayList<>();
        for (double[] c : new double[][] {{16, 32}, {16, 34.5}, {48, 32}}) {
            Position p = Position.nearest(c[0], c[1]);
            wobble.add(Analyzer.analyze(Renderer.renderImage(new Scene(Background.BLACK, Color.RED, Shape.values()[0],
                    Size.SMALL, p, c[0], c[1]))));
        }
        assertFalse(InterpolationBench.monotone(wobble, InterpolationBench.MONOTONE_SLACK));
        assertTrue(InterpolationBench.monotone(wobble, InterpolationBench.JITTER_SLACK));
        assertTrue(InterpolationBench.cellMonotone(wobble));
    }

    @Test
    void monotoneAcceptsAStraightPathAndRefusesAReturn() {
        assertTrue(InterpolationBench.monotone(path(Position.LEFT, Position.LEFT, Position.CENTER, Position.RIGHT), 1.5));
        assertTrue(InterpolationBench.monotone(path(Position.TOP_LEFT, Position.CENTER, Position.BOTTOM_RIGHT), 1.5));
        assertFalse(InterpolationBench.monotone(path(Position.LEFT, Position.RIGHT, Position.CENTER, Position.RIGHT), 1.5));
        assertFalse(InterpolationBench.monotone(path(Position.LEFT, Position.BOTTOM, Position.RIGHT), 1.5),
                "a detour on the other axis is not monotone");
        assertTrue(InterpolationBench.cellMonotone(path(Position.LEFT, Position.CENTER, Position.CENTER, Position.RIGHT)));
        assertFalse(InterpolationBench.cellMonotone(path(Position.LEFT, Position.RIGHT, Position.CENTER)));
    }
}
