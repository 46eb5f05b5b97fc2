package org.unidiff.sampling.schedule;

import java.util.Arrays;

/**
 * The discrete variance-preserving schedule of DDPM-trained models (UniDiffuser, Stable
 * Diffusion) seen in continuous time, exactly as the reference sampler defines it.
 *
 * <p>{@code log alpha(t)} is the piecewise-linear interpolation of
 * {@code 0.5 * cumsum(log(1 - beta))} over the grid {@code t_n = (n + 1) / N}, extrapolated
 * linearly outside it; {@code sigma = sqrt(1 - alpha^2)}. The network timestep is
 * {@code N * t}, so network timestep {@code n} means {@code alphas_cumprod[n - 1]} and 0 means
 * clean data.
 */
public final class DiscreteVpSchedule implements NoiseSchedule {

    /** UniDiffuser's default end time of sampling. */
    public static final double DEFAULT_T_MIN = 1e-3;

    private final int trainSteps;
    private final double[] betas;
    private final double[] alphasCumprod;
    private final double[] gridT;
    private final double[] gridLogAlpha;
    private final double tMin;

    private DiscreteVpSchedule(double[] betas, double tMin) {
        this.trainSteps = betas.length;
        this.betas = betas.clone();
        this.alphasCumprod = new double[trainSteps];
        this.gridT = new double[trainSteps];
        this.gridLogAlpha = new double[trainSteps];
        double logSum = 0;
        double prod = 1;
        for (int n = 0; n < trainSteps; n++) {
            logSum += Math.log1p(-betas[n]);
            prod *= 1 - betas[n];
            alphasCumprod[n] = prod;
            gridLogAlpha[n] = 0.5 * logSum;
            gridT[n] = (n + 1) / (double) trainSteps;
        }
        if (!(tMin > 0 && tMin < 1)) {
            throw new IllegalArgumentException("tMin must be in (0, 1), got " + tMin);
        }
        this.tMin = tMin;
    }

    /** A schedule from explicit betas (each in (0, 1)), ending sampling at {@link #DEFAULT_T_MIN}. */
    public static DiscreteVpSchedule fromBetas(double[] betas) {
        for (int i = 0; i < betas.length; i++) {
            if (!(betas[i] > 0 && betas[i] < 1)) {
                throw new IllegalArgumentException("beta[" + i + "] must be in (0, 1), got " + betas[i]);
            }
        }
        return new DiscreteVpSchedule(betas, DEFAULT_T_MIN);
    }

    /** A schedule from a beta spacing, e.g. {@code (SCALED_LINEAR, 0.00085, 0.012, 1000)}. */
    public static DiscreteVpSchedule of(BetaSchedule spacing, double betaStart, double betaEnd, int trainSteps) {
        return new DiscreteVpSchedule(spacing.betas(betaStart, betaEnd, trainSteps), DEFAULT_T_MIN);
    }

    /** UniDiffuser v1's schedule: scaled-linear betas from 0.00085 to 0.012 over 1000 steps. */
    public static DiscreteVpSchedule unidiffuser() {
        return of(BetaSchedule.SCALED_LINEAR, 0.00085, 0.012, 1000);
    }

    /** The same schedule with another end time of sampling. */
    public DiscreteVpSchedule withTMin(double newTMin) {
        return new DiscreteVpSchedule(betas, newTMin);
    }

    /** Number of discrete training steps N. */
    public int trainSteps() {
        return trainSteps;
    }

    /** A copy of the discrete betas. */
    public double[] betas() {
        return betas.clone();
    }

    /** A copy of the discrete {@code alphas_cumprod[n] = prod_{k<=n}(1 - beta_k)}. */
    public double[] alphasCumprod() {
        return alphasCumprod.clone();
    }

    /** {@code log alpha(t)}: piecewise linear in t, extrapolated linearly outside the grid. */
    public double logAlpha(double t) {
        return interpolate(t, gridT, gridLogAlpha);
    }

    @Override
    public double alpha(double t) {
        return Math.exp(logAlpha(t));
    }

    @Override
    public double sigma(double t) {
        return Math.sqrt(-Math.expm1(2 * logAlpha(t)));
    }

    @Override
    public double lambda(double t) {
        double logAlpha = logAlpha(t);
        return logAlpha - 0.5 * Math.log(-Math.expm1(2 * logAlpha));
    }

    @Override
    public double inverseLambda(double lambda) {
        // log alpha = -0.5 * logaddexp(0, -2 lambda), written to stay finite for large |lambda|.
        double m = -2 * lambda;
        double logAddExp = m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
        double logAlpha = -0.5 * logAddExp;
        // gridLogAlpha decreases with t; interpolate on the reversed (increasing) arrays.
        return interpolateDecreasing(logAlpha, gridLogAlpha, gridT);
    }

    @Override
    public double alphaDerivative(double t) {
        return alpha(t) * logAlphaSlope(t);
    }

    @Override
    public double sigmaDerivative(double t) {
        double a = alpha(t);
        return -a * alphaDerivative(t) / sigma(t);
    }

    @Override
    public double networkTime(double t) {
        return trainSteps * t;
    }

    @Override
    public double tMax() {
        return 1.0;
    }

    @Override
    public double tMin() {
        return tMin;
    }

    @Override
    public double networkTimeNoise() {
        return trainSteps;
    }

    private double logAlphaSlope(double t) {
        int i = segment(t, gridT);
        return (gridLogAlpha[i + 1] - gridLogAlpha[i]) / (gridT[i + 1] - gridT[i]);
    }

    /** Index i of the segment [xs[i], xs[i+1]] used for x; the end segments extrapolate. */
    private static int segment(double x, double[] xs) {
        int pos = Arrays.binarySearch(xs, x);
        int i = pos >= 0 ? pos : -pos - 2;
        return Math.max(0, Math.min(xs.length - 2, i));
    }

    private static double interpolate(double x, double[] xs, double[] ys) {
        int i = segment(x, xs);
        double w = (x - xs[i]) / (xs[i + 1] - xs[i]);
        return ys[i] + w * (ys[i + 1] - ys[i]);
    }

    /** Interpolates y(x) where xs is strictly decreasing. */
    private static double interpolateDecreasing(double x, double[] xs, double[] ys) {
        int n = xs.length;
        // Find i with xs[i] >= x >= xs[i+1]; clamp to end segments for extrapolation.
        int lo = 0;
        int hi = n - 1;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (xs[mid] >= x) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        int i = Math.max(0, Math.min(n - 2, lo));
        double w = (x - xs[i]) / (xs[i + 1] - xs[i]);
        return ys[i] + w * (ys[i + 1] - ys[i]);
    }
}
