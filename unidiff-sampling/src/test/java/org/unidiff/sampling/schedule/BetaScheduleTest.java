package org.unidiff.sampling.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Beta spacings against their closed forms. */
class BetaScheduleTest {

    @Test
    void scaledLinearIsTheSquareOfLinearRoots() {
        double[] betas = BetaSchedule.SCALED_LINEAR.betas(0.00085, 0.012, 1000);
        assertEquals(1000, betas.length);
        assertEquals(0.00085, betas[0], 1e-18);
        assertEquals(0.012, betas[999], 1e-17);
        double a = Math.sqrt(0.00085);
        double b = Math.sqrt(0.012);
        double root = a + (b - a) * 500 / 999;
        assertEquals(root * root, betas[500], 1e-18);
        // Three points: the middle one is the square of the mean root, below the mean beta.
        double[] three = BetaSchedule.SCALED_LINEAR.betas(0.01, 0.09, 3);
        assertEquals(0.04, three[1], 1e-16);
    }

    @Test
    void linearIsEvenlySpaced() {
        double[] betas = BetaSchedule.LINEAR.betas(0.0001, 0.02, 1000);
        assertEquals(0.0001, betas[0], 0.0);
        assertEquals(0.02, betas[999], 1e-17);
        assertEquals(0.0001 + 0.0199 * 321 / 999, betas[321], 1e-17);
        double[] three = BetaSchedule.LINEAR.betas(0.01, 0.09, 3);
        assertEquals(0.05, three[1], 1e-16);
    }

    @Test
    void parsesManifestNames() {
        assertEquals(BetaSchedule.SCALED_LINEAR, BetaSchedule.fromManifestName("scaled_linear"));
        assertEquals(BetaSchedule.LINEAR, BetaSchedule.fromManifestName("linear"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BetaSchedule.fromManifestName("cosine"));
        assertTrue(e.getMessage().contains("cosine"), e.getMessage());
    }

    @Test
    void rejectsBadBounds() {
        assertThrows(IllegalArgumentException.class, () -> BetaSchedule.LINEAR.betas(0.02, 0.01, 10));
        assertThrows(IllegalArgumentException.class, () -> BetaSchedule.LINEAR.betas(0.0, 0.01, 10));
        assertThrows(IllegalArgumentException.class, () -> BetaSchedule.LINEAR.betas(0.01, 1.0, 10));
        assertThrows(IllegalArgumentException.class, () -> BetaSchedule.SCALED_LINEAR.betas(0.01, 0.02, 1));
    }
}
