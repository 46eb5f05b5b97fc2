package org.unidiff.sampling.solver;

import java.util.Arrays;
import org.unidiff.sampling.schedule.NoiseSchedule;

/**
 * The ordered times a solver visits, from noisy (first) to clean (last). A grid of
 * {@code steps} intervals has {@code steps + 1} points.
 */
public final class TimeGrid {

    private final double[] times;

    private TimeGrid(double[] times) {
        if (times.length < 2) {
            throw new IllegalArgumentException("a time grid needs at least 2 points, got " + times.length);
        }
        for (int i = 0; i < times.length; i++) {
            if (!Double.isFinite(times[i]) || times[i] < 0) {
                throw new IllegalArgumentException("grid time " + i + " must be finite and >= 0, got " + times[i]);
            }
            if (i > 0 && !(times[i] < times[i - 1])) {
                throw new IllegalArgumentException("grid times must strictly decrease; time " + i + " = "
                        + times[i] + " follows " + times[i - 1]);
            }
        }
        this.times = times;
    }

    /** An explicit grid, e.g. a hand-tuned flow-matching grid. Times must strictly decrease. */
    public static TimeGrid of(double... times) {
        return new TimeGrid(times.clone());
    }

    /** {@code linspace(tStart, tEnd, steps + 1)}: the reference UniDiffuser grid. */
    public static TimeGrid timeUniform(double tStart, double tEnd, int steps) {
        checkSteps(steps);
        double[] t = new double[steps + 1];
        for (int i = 0; i <= steps; i++) {
            t[i] = tStart + (tEnd - tStart) * i / steps;
        }
        t[steps] = tEnd;
        return new TimeGrid(t);
    }

    /** Times uniform in the schedule's lambda (half log-SNR) between tStart and tEnd. */
    public static TimeGrid logSnrUniform(NoiseSchedule schedule, double tStart, double tEnd, int steps) {
        checkSteps(steps);
        double l0 = schedule.lambda(tStart);
        double l1 = schedule.lambda(tEnd);
        double[] t = new double[steps + 1];
        t[0] = tStart;
        for (int i = 1; i < steps; i++) {
            t[i] = schedule.inverseLambda(l0 + (l1 - l0) * i / steps);
        }
        t[steps] = tEnd;
        return new TimeGrid(t);
    }

    private static void checkSteps(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
    }

    /** Number of intervals. */
    public int steps() {
        return times.length - 1;
    }

    /** Time at point i, 0 &lt;= i &lt;= steps. */
    public double time(int i) {
        return times[i];
    }

    /** A copy of all points. */
    public double[] times() {
        return times.clone();
    }

    @Override
    public String toString() {
        return "TimeGrid" + Arrays.toString(times);
    }
}
