package org.unidiff.sampling.schedule;

/**
 * A diffusion noise schedule in continuous time: the state at time {@code t} is
 * {@code x_t = alpha(t) * x_0 + sigma(t) * noise}.
 *
 * <p>Time runs from {@link #tMax()} (pure noise end) towards {@link #tMin()} (clean end).
 * {@code lambda(t) = log(alpha / sigma)} is the half log signal-to-noise ratio that the
 * DPM-Solver family steps in; it must be strictly decreasing in {@code t} so that
 * {@link #inverseLambda(double)} is well defined.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface NoiseSchedule {

    /** Signal coefficient alpha(t). */
    double alpha(double t);

    /** Noise coefficient sigma(t). */
    double sigma(double t);

    /** Half log-SNR, {@code log(alpha(t)) - log(sigma(t))}. */
    double lambda(double t);

    /** The time {@code t} at which {@link #lambda(double)} equals {@code lambda}. */
    double inverseLambda(double lambda);

    /** Time derivative of {@link #alpha(double)}, used to convert velocity predictions. */
    double alphaDerivative(double t);

    /** Time derivative of {@link #sigma(double)}, used to convert velocity predictions. */
    double sigmaDerivative(double t);

    /**
     * The timestep value the network is fed at continuous time {@code t}
     * (for the UniDiffuser schedule {@code 1000 * t}, not rounded).
     */
    double networkTime(double t);

    /** The noisiest time sampling starts from (1 for the schedules of this module). */
    double tMax();

    /** The default time sampling ends at (0.001 for the discrete VP schedule, 0 for flow). */
    double tMin();

    /** The network timestep meaning "pure noise": fed to marginalized modalities. */
    double networkTimeNoise();
}
