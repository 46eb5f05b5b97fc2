package org.unidiff.sampling.solver;

import java.util.Objects;
import org.unidiff.sampling.PredictionType;
import org.unidiff.sampling.schedule.NoiseSchedule;

/**
 * Deterministic DDIM run backwards: from a clean state at the last (clean) time of a grid to the
 * state at its first (noisy) time, over the same grid reversed, so that {@link Ddim#deterministic}
 * on that grid maps the result back to the start.
 *
 * <p>One forward DDIM step from the noisier time {@code s} to {@code t} is
 * {@code x_t = (alpha_t / alpha_s) x_s + (sigma_t - alpha_t sigma_s / alpha_s) eps(x_s, s)}; it is
 * implicit in {@code x_s}. The inverse step:
 * <ol>
 *   <li>a first guess with the prediction at the known end, {@code eps(x_t, t)}:
 *       {@code x_s = alpha_s x0(x_t, t) + sigma_s eps(x_t, t)} (the usual "DDIM inversion", exact
 *       only when eps does not change over the step);</li>
 *   <li>then {@code refinements} fixed-point iterations
 *       {@code x_s <- (alpha_s / alpha_t) x_t - (alpha_s sigma_t / alpha_t - sigma_s) eps(x_s, s)},
 *       whose fixed point is the exact inverse of the forward step. Why eps and not x0 is held: the
 *       iteration contracts by about {@code (1 - e^{-h}) * sigma_s * Lip(eps)}, small for small
 *       steps, so a few iterations reach solver precision.</li>
 * </ol>
 * Each step costs {@code 1 + refinements} model evaluations. Needs sigma &gt; 0 and alpha &gt; 0 at
 * every grid time (a variance-preserving grid that ends before t = 0). Immutable, thread-safe.
 */
public final class DdimInversion {

    /** The most fixed-point iterations per step: beyond a few they only cost time. */
    public static final int MAX_REFINEMENTS = 10;

    private final NoiseSchedule schedule;
    private final TimeGrid grid;
    private final int refinements;

    private DdimInversion(NoiseSchedule schedule, TimeGrid grid, int refinements) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.grid = Objects.requireNonNull(grid, "grid");
        if (refinements < 0 || refinements > MAX_REFINEMENTS) {
            throw new IllegalArgumentException("refinements must be 0.." + MAX_REFINEMENTS + ", got " + refinements);
        }
        this.refinements = refinements;
        double[] times = grid.times();
        for (int i = 0; i < times.length; i++) {
            double a = schedule.alpha(times[i]);
            double sg = schedule.sigma(times[i]);
            if (!(a > 0) || !(sg > 0)) {
                throw new IllegalArgumentException("DDIM inversion needs alpha > 0 and sigma > 0 at every grid time; "
                        + "time " + i + " (t = " + times[i] + ") has alpha " + a + ", sigma " + sg);
            }
        }
    }

    /**
     * The inversion of {@code Ddim.deterministic(schedule, grid)}.
     *
     * @param grid        the forward grid, noisy to clean (walked here clean to noisy)
     * @param refinements fixed-point iterations per step, 0..{@link #MAX_REFINEMENTS}
     */
    public static DdimInversion of(NoiseSchedule schedule, TimeGrid grid, int refinements) {
        return new DdimInversion(schedule, grid, refinements);
    }

    /** The forward grid. */
    public TimeGrid grid() {
        return grid;
    }

    /** Fixed-point iterations per step. */
    public int refinements() {
        return refinements;
    }

    /** Model evaluations of one {@link #invert} call. */
    public int evaluations() {
        return grid.steps() * (1 + refinements);
    }

    /**
     * Runs the ODE backwards.
     *
     * @param model      the model the forward solve will use
     * @param cleanState the state at the grid's last time (not modified)
     * @param listener   told before every model evaluation; may cancel
     * @return the state at the grid's first time
     * @throws SamplingCancelledException if the listener cancelled
     */
    public double[] invert(DenoisingModel model, double[] cleanState, StepListener listener) {
        PredictionType type = SolverRuns.checkArguments(model, cleanState, listener);
        double[] times = grid.times();
        int n = cleanState.length;
        int total = evaluations();
        int evaluation = 0;
        double[] x = cleanState.clone();
        double[] guess = new double[n];
        double[] data = new double[n];
        for (int i = grid.steps() - 1; i >= 0; i--) {
            double t = times[i + 1];
            double s = times[i];
            double alphaT = schedule.alpha(t);
            double sigmaT = schedule.sigma(t);
            double alphaS = schedule.alpha(s);
            double sigmaS = schedule.sigma(s);
            SolverRuns.announce(listener, evaluation++, total, t);
            model.predict(x, t, data);
            type.toData(schedule, t, x, data, data, n);
            for (int j = 0; j < n; j++) {
                double eps = (x[j] - alphaT * data[j]) / sigmaT;
                guess[j] = alphaS * data[j] + sigmaS * eps;
            }
            double keep = alphaS / alphaT;
            double epsWeight = alphaS * sigmaT / alphaT - sigmaS;
            for (int k = 0; k < refinements; k++) {
                SolverRuns.announce(listener, evaluation++, total, s);
                model.predict(guess, s, data);
                type.toData(schedule, s, guess, data, data, n);
                for (int j = 0; j < n; j++) {
                    double eps = (guess[j] - alphaS * data[j]) / sigmaS;
                    guess[j] = keep * x[j] - epsWeight * eps;
                }
            }
            double[] swap = x;
            x = guess;
            guess = swap;
        }
        return x;
    }
}
