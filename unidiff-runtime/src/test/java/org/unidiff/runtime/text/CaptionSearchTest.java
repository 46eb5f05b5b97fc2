package org.unidiff.runtime.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Fake models whose logits are log-probabilities, so every score can be worked out by hand.
 * Tokens: 0 = EOS, 1 = A, 2 = B, 3 = C.
 */
class CaptionSearchTest {

    private static final long EOS = 0;

    /** A model from "prefix -> probabilities"; unlisted prefixes end surely. */
    private static final class TableModel implements NextTokenLogits {
        final Map<String, double[]> table;
        final List<Integer> batchSizes = new ArrayList<>();

        TableModel(Map<String, double[]> table) {
            this.table = table;
        }

        @Override
        public float[][] next(List<long[]> prefixes) {
            batchSizes.add(prefixes.size());
            float[][] out = new float[prefixes.size()][];
            for (int i = 0; i < prefixes.size(); i++) {
                double[] p = table.getOrDefault(Arrays.toString(prefixes.get(i)), new double[] {1, 0, 0, 0});
                out[i] = new float[p.length];
                for (int t = 0; t < p.length; t++) {
                    out[i][t] = (float) Math.log(p[t]);
                }
            }
            return out;
        }
    }

    /**
     * Greedy takes A (0.5) then EOS (0.4): score (ln .5 + ln .4) / 2 = -0.805. Beam 2 keeps B (0.4),
     * whose EOS (0.9) scores (ln .4 + ln .9) / 2 = -0.511 and wins.
     */
    private static TableModel greedyTrap() {
        return new TableModel(Map.of(
                "[]", new double[] {0, 0.5, 0.4, 0.1},
                "[1]", new double[] {0.4, 0.3, 0.3, 0},
                "[2]", new double[] {0.9, 0.1, 0, 0}));
    }

    @Test
    void greedyAndBeamDifferAsWorkedOut() {
        Hypothesis greedy = CaptionSearch.greedy(greedyTrap(), 10, EOS);
        assertArrayEquals(new long[] {1, 0}, greedy.tokens());
        assertEquals(Math.log(0.5) + Math.log(0.4), greedy.logProb(), 1e-6);

        TableModel model = greedyTrap();
        List<Hypothesis> beams = CaptionSearch.beam(model, 2, 10, EOS);
        assertArrayEquals(new long[] {2, 0}, beams.get(0).tokens());
        assertEquals((Math.log(0.4) + Math.log(0.9)) / 2, beams.get(0).score(), 1e-6);
        assertArrayEquals(new long[] {1, 0}, beams.get(1).tokens());
        assertArrayEquals(new long[] {2}, beams.get(0).content());
        // Both beams finished after the second step: two calls, no more.
        assertEquals(List.of(1, 2), model.batchSizes);
    }

    @Test
    void beamOfOneIsGreedy() {
        assertArrayEquals(CaptionSearch.greedy(greedyTrap(), 10, EOS).tokens(),
                CaptionSearch.beam(greedyTrap(), 1, 10, EOS).get(0).tokens());
    }

    /**
     * A finished beam is kept at its frozen score and wins against a longer one.
     * Step 1: [EOS] = ln .6 = -0.511 (finished), [A] = ln .4 = -0.916.
     * Step 2: [A A] = (ln .4 + ln .99) / 2 = -0.463 beats [EOS] (-0.511); [A EOS] = -2.76 drops.
     * Step 3: [A A EOS] = [A A A] = (ln .4 + ln .99 + ln .5) / 3 = -0.540, below [EOS]; the tie goes to EOS (lower id).
     */
    @Test
    void finishedBeamsAreKeptAndNotSentToTheModel() {
        TableModel model = new TableModel(Map.of(
                "[]", new double[] {0.6, 0.4, 0, 0},
                "[1]", new double[] {0.01, 0.99, 0, 0},
                "[1, 1]", new double[] {0.5, 0.5, 0, 0}));
        List<Hypothesis> beams = CaptionSearch.beam(model, 2, 10, EOS);
        assertArrayEquals(new long[] {0}, beams.get(0).tokens());
        assertEquals(0, beams.get(0).content().length);
        assertArrayEquals(new long[] {1, 1, 0}, beams.get(1).tokens());
        assertEquals((Math.log(0.4) + Math.log(0.99) + Math.log(0.5)) / 3, beams.get(1).score(), 1e-6);
        // Calls: the root, then only [A] (the finished [EOS] is not re-scored), then only [A A].
        assertEquals(List.of(1, 1, 1), model.batchSizes);
    }

    @Test
    void stopsAtMaxNewTokensWithUnfinishedBeams() {
        NextTokenLogits neverEnds = prefixes -> {
            float[][] out = new float[prefixes.size()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = new float[] {-100f, 1f, 0.5f, 0f};
            }
            return out;
        };
        List<Hypothesis> beams = CaptionSearch.beam(neverEnds, 3, 4, EOS);
        assertEquals(3, beams.size());
        assertArrayEquals(new long[] {1, 1, 1, 1}, beams.get(0).tokens());
        assertFalse(beams.get(0).finished());
        Hypothesis greedy = CaptionSearch.greedy(neverEnds, 4, EOS);
        assertEquals(4, greedy.length());
        assertFalse(greedy.finished());
    }

    @Test
    void logSoftmaxIsNormalized() {
        double[] lp = CaptionSearch.logSoftmax(new float[] {1000f, 1000f, Float.NEGATIVE_INFINITY});
        assertEquals(Math.log(0.5), lp[0], 1e-12);
        assertEquals(Double.NEGATIVE_INFINITY, lp[2]);
        assertThrows(IllegalStateException.class, () -> CaptionSearch.logSoftmax(new float[] {Float.NaN}));
    }

    @Test
    void topTokensKeepsTheLargestInOrder() {
        double[] v = {0.1, 0.5, Double.NEGATIVE_INFINITY, 0.5, 0.9, 0.2};
        assertArrayEquals(new int[] {4, 1, 3}, CaptionSearch.topTokens(v, 3));
        assertArrayEquals(new int[] {4, 1, 3, 5, 0}, CaptionSearch.topTokens(v, 10));
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> CaptionSearch.beam(greedyTrap(), 0, 5, EOS));
        assertThrows(IllegalArgumentException.class, () -> CaptionSearch.greedy(greedyTrap(), 0, EOS));
    }
}
