package org.unidiff.sampling.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The rectified-flow path x_t = (1 - t) x0 + t eps. */
class FlowMatchingScheduleTest {

    private final FlowMatchingSchedule schedule = new FlowMatchingSchedule(1000);

    @Test
    void coefficientsFollowTheStraightPath() {
        for (double t : new double[] {1e-6, 0.01, 0.25, 0.5, 0.75, 0.99}) {
            assertEquals(1 - t, schedule.alpha(t), 1e-15);
            assertEquals(t, schedule.sigma(t), 0.0);
            assertEquals(Math.log((1 - t) / t), schedule.lambda(t), 1e-12);
            assertEquals(1000 * t, schedule.networkTime(t), 1e-12);
        }
        assertEquals(0.0, schedule.lambda(0.5), 0.0);
        assertEquals(1000, schedule.networkTimeNoise());
        assertEquals(1.0, schedule.tMax());
        assertEquals(0.0, schedule.tMin());
    }

    @Test
    void inverseLambdaRoundTrips() {
        for (double t : new double[] {1e-9, 1e-4, 0.01, 0.3, 0.5, 0.7, 0.99, 0.999999}) {
            assertEquals(t, schedule.inverseLambda(schedule.lambda(t)), 1e-9 * Math.max(t, 1e-3), "t = " + t);
        }
        for (double l : new double[] {-700, -40, -3, 0, 3, 40, 700}) {
            double t = schedule.inverseLambda(l);
            assertEquals(1 / (1 + Math.exp(l)), t, 1e-15, "lambda = " + l);
        }
        assertEquals(0.5, schedule.inverseLambda(0.0), 0.0);
    }

    @Test
    void derivativesMatchCentralDifferences() {
        double d = 1e-6;
        for (double t : new double[] {0.1, 0.5, 0.9}) {
            assertEquals((schedule.alpha(t + d) - schedule.alpha(t - d)) / (2 * d), schedule.alphaDerivative(t), 1e-8);
            assertEquals((schedule.sigma(t + d) - schedule.sigma(t - d)) / (2 * d), schedule.sigmaDerivative(t), 1e-8);
        }
    }

    @Test
    void rejectsBadTimeScale() {
        assertThrows(IllegalArgumentException.class, () -> new FlowMatchingSchedule(0));
        assertThrows(IllegalArgumentException.class, () -> new FlowMatchingSchedule(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new FlowMatchingSchedule(Double.POSITIVE_INFINITY));
    }
}
