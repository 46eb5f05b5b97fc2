package org.unidiff.sampling.schedule;

/**
 * The rectified-flow (flow-matching) path {@code x_t = (1 - t) x_0 + t * noise}, for
 * velocity-predicting models such as LaVin-DiT. alpha = 1 - t, sigma = t,
 * {@code lambda = log((1 - t) / t)}.
 */
public final class FlowMatchingSchedule implements NoiseSchedule {

    private final double timeScale;

    /**
     * @param timeScale factor from continuous time to network time (1 if the network takes
     *                  t in [0, 1], 1000 if it takes t in [0, 1000])
     */
    public FlowMatchingSchedule(double timeScale) {
        if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
            throw new IllegalArgumentException("timeScale must be positive and finite, got " + timeScale);
        }
        this.timeScale = timeScale;
    }

    @Override
    public double alpha(double t) {
        return 1 - t;
    }

    @Override
    public double sigma(double t) {
        return t;
    }

    @Override
    public double lambda(double t) {
        return Math.log1p(-t) - Math.log(t);
    }

    @Override
    public double inverseLambda(double lambda) {
        // t = 1 / (1 + e^lambda), written to avoid overflow.
        return lambda > 0 ? Math.exp(-lambda) / (1 + Math.exp(-lambda)) : 1 / (1 + Math.exp(lambda));
    }

    @Override
    public double alphaDerivative(double t) {
        return -1;
    }

    @Override
    public double sigmaDerivative(double t) {
        return 1;
    }

    @Override
    public double networkTime(double t) {
        return timeScale * t;
    }

    @Override
    public double tMax() {
        return 1.0;
    }

    @Override
    public double tMin() {
        return 0.0;
    }

    @Override
    public double networkTimeNoise() {
        return timeScale;
    }
}
