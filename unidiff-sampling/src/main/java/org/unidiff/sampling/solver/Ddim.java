package org.unidiff.sampling.solver;

import java.util.Objects;
import org.unidiff.sampling.PredictionType;
import org.unidiff.sampling.schedule.NoiseSchedule;

/**
 * DDIM: each step predicts the clean data {@code x0} and the noise {@code eps} at {@code s} and
 * moves to {@code t} as
 * <pre>
 *   x_t = alpha_t x0 + sqrt(sigma_t^2 - sigma_eta^2) eps + sigma_eta z,
 *   sigma_eta = eta * sigma_t * sqrt(1 - exp(-2 h)),  h = lambda(t) - lambda(s),
 * </pre>
 * with {@code z} fresh N(0, 1) noise. On a variance-preserving schedule this is the DDIM
 * variance {@code eta * sqrt((1 - abar_t) / (1 - abar_s) * (1 - abar_s / abar_t))}; written in
 * log-SNR it holds for any schedule. {@code eta = 0} is the deterministic, first-order exact
 * discretisation of the probability-flow ODE (the same map as DPM-Solver-1 and DPM-Solver++-1);
 * {@code eta = 1} is ancestral (DDPM-like) sampling.
 *
 * <p>{@code e^{-h}} is computed as {@code alpha_s sigma_t / (alpha_t sigma_s)}, so grids may
 * start where alpha is 0 (flow matching at t = 1, with a data or velocity model) and end where
 * sigma is 0. Instances are immutable; the noise source they hold is shared by concurrent runs
 * (see {@link GaussianFill}).
 */
public final class Ddim implements Solver {

    private final NoiseSchedule schedule;
    private final TimeGrid grid;
    private final double eta;
    private final GaussianFill noise;
    private final double[] gridTimes;
    /** Per step: alpha_s, sigma_s, alpha_t, weight of eps, sigma_eta. */
    private final double[][] coefficients;

    private Ddim(NoiseSchedule schedule, TimeGrid grid, double eta, GaussianFill noise) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.grid = Objects.requireNonNull(grid, "grid");
        if (!(eta >= 0 && eta <= 1)) {
            throw new IllegalArgumentException("DDIM eta must be in [0, 1], got " + eta);
        }
        if (eta > 0 && noise == null) {
            throw new IllegalArgumentException("DDIM with eta = " + eta + " > 0 needs a noise source");
        }
        this.eta = eta;
        this.noise = noise;
        this.gridTimes = grid.times();
        int steps = grid.steps();
        this.coefficients = new double[steps][];
        for (int i = 0; i < steps; i++) {
            double s = gridTimes[i];
            double t = gridTimes[i + 1];
            double alphaS = schedule.alpha(s);
            double sigmaS = schedule.sigma(s);
            double alphaT = schedule.alpha(t);
            double sigmaT = schedule.sigma(t);
            double decay = alphaS * sigmaT / (alphaT * sigmaS);
            if (!(sigmaS > 0) || !(alphaT > 0) || !(decay >= 0 && decay < 1)) {
                throw new IllegalArgumentException("DDIM needs sigma > 0 at every evaluated time, alpha > 0 at every"
                        + " target time and a strictly increasing log-SNR; step " + i + " from t = " + s + " to " + t
                        + " has sigma_s " + sigmaS + ", alpha_t " + alphaT + ", exp(-h) " + decay);
            }
            double fresh = -Math.expm1(2 * Math.log(decay)); // 1 - e^{-2h}, accurate for small h
            double sigmaEta = eta * sigmaT * Math.sqrt(fresh);
            double epsWeight = sigmaT * Math.sqrt(1 - eta * eta * fresh);
            coefficients[i] = new double[] {alphaS, sigmaS, alphaT, epsWeight, sigmaEta};
        }
    }

    /**
     * Deterministic DDIM ({@code eta = 0}).
     *
     * @param schedule the noise schedule
     * @param grid     the time grid, noisy to clean
     */
    public static Ddim deterministic(NoiseSchedule schedule, TimeGrid grid) {
        return new Ddim(schedule, grid, 0, null);
    }

    /**
     * DDIM with stochasticity {@code eta}.
     *
     * @param schedule the noise schedule
     * @param grid     the time grid, noisy to clean
     * @param eta      in [0, 1]; 0 is deterministic, 1 ancestral
     * @param noise    fills the fresh noise of every step; may be null only when {@code eta = 0}
     * @throws IllegalArgumentException if eta is out of range, noise is missing, or the grid is unusable
     */
    public static Ddim of(NoiseSchedule schedule, TimeGrid grid, double eta, GaussianFill noise) {
        return new Ddim(schedule, grid, eta, noise);
    }

    /** The same solver drawing its fresh noise from another source (e.g. one per run). */
    public Ddim withNoise(GaussianFill newNoise) {
        return new Ddim(schedule, grid, eta, newNoise);
    }

    /** The stochasticity in [0, 1]. */
    public double eta() {
        return eta;
    }

    /** The schedule the solver steps in. */
    public NoiseSchedule schedule() {
        return schedule;
    }

    @Override
    public String describe() {
        return "ddim (eta " + eta + "), " + grid.steps() + " steps";
    }

    @Override
    public TimeGrid grid() {
        return grid;
    }

    @Override
    public int evaluations() {
        return grid.steps();
    }

    @Override
    public double[] sample(DenoisingModel model, double[] initialState, StepListener listener) {
        PredictionType type = SolverRuns.checkArguments(model, initialState, listener);
        int n = initialState.length;
        int steps = grid.steps();
        double[] x = initialState.clone();
        double[] data = new double[n];
        double[] z = eta > 0 ? new double[n] : null;
        for (int i = 0; i < steps; i++) {
            double s = gridTimes[i];
            SolverRuns.announce(listener, i, steps, s);
            model.predict(x, s, data);
            type.toData(schedule, s, x, data, data, n);
            double[] c = coefficients[i];
            double alphaS = c[0];
            double invSigmaS = 1 / c[1];
            double alphaT = c[2];
            double epsWeight = c[3];
            double sigmaEta = c[4];
            if (z == null || sigmaEta == 0) {
                for (int j = 0; j < n; j++) {
                    double eps = (x[j] - alphaS * data[j]) * invSigmaS;
                    x[j] = alphaT * data[j] + epsWeight * eps;
                }
            } else {
                noise.fill(z);
                for (int j = 0; j < n; j++) {
                    double eps = (x[j] - alphaS * data[j]) * invSigmaS;
                    x[j] = alphaT * data[j] + epsWeight * eps + sigmaEta * z[j];
                }
            }
        }
        return x;
    }
}
