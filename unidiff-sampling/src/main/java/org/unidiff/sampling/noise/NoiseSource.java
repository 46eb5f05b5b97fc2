package org.unidiff.sampling.noise;

/**
 * A stream of standard normal N(0, 1) numbers.
 *
 * <p>A source is a <em>stream</em>: the numbers it hands out depend only on how many it has
 * handed out before, never on how the requests were split, so {@code fill(a, 0, 3)} followed by
 * {@code fill(a, 3, 2)} writes exactly what {@code fill(a, 0, 5)} would. Samplers rely on this
 * to document their draw order as one flat sequence that another implementation (a Python
 * reference, a recorded file) can replay.
 *
 * <p>Sources are stateful and not thread-safe; each independent sample owns its own.
 */
public interface NoiseSource {

    /**
     * Writes the next {@code length} numbers of the stream into
     * {@code target[offset .. offset + length)}.
     *
     * @throws IndexOutOfBoundsException if the range does not lie inside {@code target}
     */
    void fill(double[] target, int offset, int length);

    /** The next {@code length} numbers of the stream as a new array. */
    default double[] next(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0, got " + length);
        }
        double[] out = new double[length];
        fill(out, 0, length);
        return out;
    }
}
