package org.unidiff.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Quantiles checked against numpy's default (linear, type 7) on small hand-worked sets. */
class RatioSpreadTest {

    @Test
    void quantilesInterpolateBetweenOrderStatistics() {
        RatioSpread s = new RatioSpread();
        for (double v : new double[] {1.2, 0.8, 1.0, 0.9}) {
            s.add(v);
        }
        // sorted 0.8 0.9 1.0 1.2: numpy.quantile(..., [0, .25, .5, .75]) = 0.8, 0.875, 0.95, 1.05
        assertEquals(0.8, s.min(), 1e-12);
        assertEquals(0.875, s.quantile(0.25), 1e-12);
        assertEquals(0.95, s.median(), 1e-12);
        assertEquals(1.05, s.quantile(0.75), 1e-12);
        assertEquals("0.88-1.05", s.interquartile());
        assertEquals((1.05 - 0.875) / 2 / 0.95, s.relativeHalfSpread(), 1e-12);
    }

    @Test
    void oneValueIsItsOwnSpreadAndEmptyIsNaN() {
        RatioSpread s = new RatioSpread();
        assertTrue(Double.isNaN(s.median()));
        assertEquals("-", s.interquartile());
        s.add(0.97);
        assertEquals(0.97, s.quantile(0.25), 0);
        assertEquals(0.0, s.relativeHalfSpread(), 0);
    }

    @Test
    void badRatiosAreRefused() {
        RatioSpread s = new RatioSpread();
        assertThrows(IllegalArgumentException.class, () -> s.add(0));
        assertThrows(IllegalArgumentException.class, () -> s.add(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> s.add(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> s.quantile(1.5));
    }
}
