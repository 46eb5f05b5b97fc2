package org.unidiff.sampling.solver;

/**
 * A source of standard normal noise for stochastic solvers: fills an array with independent
 * N(0, 1) draws. A stateful implementation (a seeded generator) is used by whichever run calls
 * it, so concurrent runs sharing one instance interleave its stream; give each run its own
 * instance when results must be reproducible.
 */
@FunctionalInterface
public interface GaussianFill {

    /** Overwrites every element of {@code target} with an independent N(0, 1) draw. */
    void fill(double[] target);
}
