package org.unidiff.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * The spread of a ratio measured once per pair of runs (Java time / Python time of the same
 * request): median, minimum and interquartile range, so a reader sees what a comparison can
 * resolve. A median of 0.96 with quartiles 0.80 and 1.30 cannot tell "faster" from "slower"; the
 * same median with quartiles 0.94 and 0.98 can. Quartiles are linear interpolations between order
 * statistics (type 7, as numpy's default).
 */
public final class RatioSpread {

    private double[] values = new double[8];
    private int count;

    /**
     * Adds the ratio of one pair.
     *
     * @throws IllegalArgumentException for a ratio that is not finite and positive
     */
    public void add(double ratio) {
        if (!(ratio > 0) || Double.isInfinite(ratio)) {
            throw new IllegalArgumentException("a time ratio must be finite and positive, got " + ratio);
        }
        if (count == values.length) {
            values = Arrays.copyOf(values, count * 2);
        }
        values[count++] = ratio;
    }

    /** Pairs so far. */
    public int count() {
        return count;
    }

    /** The q-quantile (0 to 1) by linear interpolation; NaN when empty. */
    public double quantile(double q) {
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("a quantile must be from 0 to 1, got " + q);
        }
        if (count == 0) {
            return Double.NaN;
        }
        double[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        double h = (count - 1) * q;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, count - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /** The median. */
    public double median() {
        return quantile(0.5);
    }

    /** The smallest ratio. */
    public double min() {
        return quantile(0);
    }

    /** The interquartile range as text, {@code "0.94-0.98"}. */
    public String interquartile() {
        return count == 0 ? "-" : String.format(Locale.ROOT, "%.2f-%.2f", quantile(0.25), quantile(0.75));
    }

    /**
     * Half the interquartile range relative to the median: about the smallest difference from 1.0
     * this comparison resolves (0.05 resolves 5%).
     */
    public double relativeHalfSpread() {
        return (quantile(0.75) - quantile(0.25)) / 2 / median();
    }
}
