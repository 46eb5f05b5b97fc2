package org.unidiff.bench;

import java.util.Arrays;

/** Repeated measurements of one duration, summarized as median and 90th percentile. */
public final class Timings {

    private long[] nanos = new long[8];
    private int count;

    /** Adds one measurement in nanoseconds. */
    public void add(long durationNanos) {
        if (durationNanos < 0) {
            throw new IllegalArgumentException("a duration cannot be negative, got " + durationNanos + " ns");
        }
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = durationNanos;
    }

    /** Measurements so far. */
    public int count() {
        return count;
    }

    /** The median in milliseconds (mean of the two middle values for an even count); NaN when empty. */
    public double medianMillis() {
        if (count == 0) {
            return Double.NaN;
        }
        long[] sorted = sorted();
        int mid = count / 2;
        double median = count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + (double) sorted[mid]) / 2;
        return median / 1e6;
    }

    /** The 90th percentile in milliseconds, nearest rank (the ceil(0.9 n)-th smallest); NaN when empty. */
    public double p90Millis() {
        if (count == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(0.9 * count);
        return sorted()[rank - 1] / 1e6;
    }

    private long[] sorted() {
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        return sorted;
    }
}
