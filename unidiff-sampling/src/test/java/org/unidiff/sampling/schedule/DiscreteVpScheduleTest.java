package org.unidiff.sampling.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The UniDiffuser schedule against the check values of the reference and against its own definition. */
class DiscreteVpScheduleTest {

    private final DiscreteVpSchedule schedule = DiscreteVpSchedule.unidiffuser();

    @Test
    void matchesTheReferenceCheckValues() {
        assertEquals(0.068265, schedule.alpha(1.0), 1e-5);
        assertEquals(0.997667, schedule.sigma(1.0), 1e-5);
        assertEquals(0.999575, schedule.alpha(0.001), 1e-5);
        assertEquals(0.029155, schedule.sigma(0.001), 1e-5);
        // The reference gives lambda to three decimals only.
        assertEquals(-2.682, schedule.lambda(1.0), 5e-4);
        assertEquals(3.535, schedule.lambda(0.001), 5e-4);
        double[] alphasCumprod = schedule.alphasCumprod();
        assertEquals(1000, alphasCumprod.length);
        assertEquals(0.99915, alphasCumprod[0], 1e-12);
        assertEquals(0.0046601, alphasCumprod[999], 1e-5);
    }

    @Test
    void alphasCumprodIsTheProductOfOneMinusTheScaledLinearBetas() {
        double[] alphasCumprod = schedule.alphasCumprod();
        double a = Math.sqrt(0.00085);
        double b = Math.sqrt(0.012);
        double prod = 1;
        for (int n = 0; n < 1000; n++) {
            double root = a + (b - a) * n / 999.0;
            prod *= 1 - root * root;
            assertEquals(prod, alphasCumprod[n], 1e-14 * Math.max(1, prod) + 1e-16, "alphas_cumprod[" + n + "]");
        }
    }

    @Test
    void gridPointsCarryTheDiscreteAlphas() {
        double[] alphasCumprod = schedule.alphasCumprod();
        // Network step n (continuous t = n / 1000) means alphas_cumprod[n - 1].
        for (int n : new int[] {1, 2, 500, 999, 1000}) {
            double t = n / 1000.0;
            double ac = alphasCumprod[n - 1];
            assertEquals(ac, schedule.alpha(t) * schedule.alpha(t), 1e-13, "alpha^2 at n = " + n);
            assertEquals(1 - ac, schedule.sigma(t) * schedule.sigma(t), 1e-13, "sigma^2 at n = " + n);
            assertEquals(0.5 * Math.log(ac / (1 - ac)), schedule.lambda(t), 1e-10, "lambda at n = " + n);
            assertEquals(n, schedule.networkTime(t), 1e-9);
        }
        assertEquals(1000, schedule.networkTimeNoise());
        assertEquals(1.0, schedule.tMax());
        assertEquals(0.001, schedule.tMin());
    }

    @Test
    void logAlphaIsLinearBetweenGridPointsAndExtrapolatesLinearly() {
        // Midpoint of a segment: the mean of its ends.
        for (int n : new int[] {1, 37, 998}) {
            double t0 = n / 1000.0;
            double t1 = (n + 1) / 1000.0;
            assertEquals(0.5 * (schedule.logAlpha(t0) + schedule.logAlpha(t1)), schedule.logAlpha(0.5 * (t0 + t1)), 1e-15);
        }
        // Below the grid the first segment continues; above it the last one does.
        double l1 = schedule.logAlpha(0.001);
        double l2 = schedule.logAlpha(0.002);
        assertEquals(1.5 * l1 - 0.5 * l2, schedule.logAlpha(0.0005), 1e-15);
        assertEquals(2 * l1 - l2, schedule.logAlpha(0.0), 1e-15);
        double l999 = schedule.logAlpha(0.999);
        double l1000 = schedule.logAlpha(1.0);
        assertEquals(2 * l1000 - l999, schedule.logAlpha(1.001), 1e-13);
    }

    @Test
    void sigmaCompletesAlphaToOne() {
        for (double t = 0.0005; t < 1.002; t += 0.0137) {
            double a = schedule.alpha(t);
            double s = schedule.sigma(t);
            assertEquals(1.0, a * a + s * s, 1e-14, "t = " + t);
            assertEquals(Math.log(a / s), schedule.lambda(t), 1e-12, "t = " + t);
        }
    }

    @Test
    void inverseLambdaRoundTripsInsideTheGrid() {
        for (int i = 0; i <= 2000; i++) {
            double t = 0.001 + (1.0 - 0.001) * i / 2000.0 + 1.3e-7 * (i % 3);
            if (t > 1.0) {
                continue;
            }
            double back = schedule.inverseLambda(schedule.lambda(t));
            assertEquals(t, back, 1e-9, "t = " + t);
        }
        double[] lambdas = {-2.6, -1.0, 0.0, 0.7, 2.0, 3.5};
        for (double l : lambdas) {
            assertEquals(l, schedule.lambda(schedule.inverseLambda(l)), 1e-9, "lambda = " + l);
        }
    }

    @Test
    void inverseLambdaExtrapolatesOutsideTheGrid() {
        for (double t : new double[] {1e-5, 1e-4, 0.0005, 0.00099, 1.0005, 1.003}) {
            assertEquals(t, schedule.inverseLambda(schedule.lambda(t)), 1e-9, "t = " + t);
        }
        assertTrue(schedule.inverseLambda(schedule.lambda(0.001) + 0.1) < 0.001);
        assertTrue(schedule.inverseLambda(schedule.lambda(1.0) - 0.1) > 1.0);
    }

    @Test
    void derivativesMatchCentralDifferences() {
        double d = 1e-7;
        // Points inside segments: the schedule has kinks at the grid points.
        for (double t : new double[] {0.0015, 0.0234, 0.3337, 0.5005, 0.8121, 0.9995}) {
            double alphaFd = (schedule.alpha(t + d) - schedule.alpha(t - d)) / (2 * d);
            double sigmaFd = (schedule.sigma(t + d) - schedule.sigma(t - d)) / (2 * d);
            assertEquals(alphaFd, schedule.alphaDerivative(t), 1e-6 * Math.max(1, Math.abs(alphaFd)), "alpha' at " + t);
            assertEquals(sigmaFd, schedule.sigmaDerivative(t), 1e-6 * Math.max(1, Math.abs(sigmaFd)), "sigma' at " + t);
        }
    }

    @Test
    void withTMinKeepsTheSchedule() {
        DiscreteVpSchedule other = schedule.withTMin(0.002);
        assertEquals(0.002, other.tMin());
        assertEquals(schedule.lambda(0.4), other.lambda(0.4), 0.0);
    }

    @Test
    void rejectsBadInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DiscreteVpSchedule.fromBetas(new double[] {0.1, 1.0}));
        assertTrue(e.getMessage().contains("beta[1]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DiscreteVpSchedule.fromBetas(new double[] {0.0, 0.1}));
        assertThrows(IllegalArgumentException.class, () -> schedule.withTMin(0.0));
        assertThrows(IllegalArgumentException.class, () -> schedule.withTMin(1.0));
    }
}
