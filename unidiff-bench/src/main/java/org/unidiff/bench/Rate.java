package org.unidiff.bench;

/**
 * A fraction being counted: hits over trials. Not thread-safe; each metric counts on one thread.
 */
public final class Rate {

    private int hits;
    private int count;

    /** Counts one trial. */
    public void add(boolean hit) {
        count++;
        if (hit) {
            hits++;
        }
    }

    /** Trials that were hits. */
    public int hits() {
        return hits;
    }

    /** Trials counted. */
    public int count() {
        return count;
    }

    /** hits / count, or NaN before the first trial (so an empty metric can never read as a pass). */
    public double value() {
        return count == 0 ? Double.NaN : (double) hits / count;
    }

    @Override
    public String toString() {
        return hits + "/" + count;
    }
}
