package org.unidiff.sampling.solver;

import java.util.Objects;
import org.unidiff.sampling.PredictionType;
import org.unidiff.sampling.schedule.NoiseSchedule;

/**
 * Explicit Euler on the probability-flow ODE {@code dx/dt = alpha'(t) x0 + sigma'(t) eps} in
 * plain time: {@code x_t = x_s + (t - s) * v(x_s, s)}. This is the sampler of flow-matching
 * (velocity) models on their own, often hand-tuned, grids; it is first order.
 *
 * <p>Velocity models are used as they are. Noise and data predictions are converted with the
 * schedule: {@code v = (alpha'/alpha) x + (sigma' - alpha' sigma / alpha) eps} or
 * {@code v = (sigma'/sigma) x + (alpha' - sigma' alpha / sigma) x0}, so the solver also works on
 * variance-preserving schedules (an epsilon model needs alpha &gt; 0, a data model sigma &gt; 0,
 * at every evaluated time). Instances are immutable and thread-safe.
 */
public final class EulerSolver implements Solver {

    private final NoiseSchedule schedule;
    private final TimeGrid grid;
    private final double[] gridTimes;
    private final double[] alpha;
    private final double[] sigma;
    private final double[] alphaRate;
    private final double[] sigmaRate;

    private EulerSolver(NoiseSchedule schedule, TimeGrid grid) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.grid = Objects.requireNonNull(grid, "grid");
        this.gridTimes = grid.times();
        int steps = grid.steps();
        alpha = new double[steps];
        sigma = new double[steps];
        alphaRate = new double[steps];
        sigmaRate = new double[steps];
        for (int i = 0; i < steps; i++) {
            double t = gridTimes[i];
            alpha[i] = schedule.alpha(t);
            sigma[i] = schedule.sigma(t);
            alphaRate[i] = schedule.alphaDerivative(t);
            sigmaRate[i] = schedule.sigmaDerivative(t);
        }
    }

    /**
     * Euler on the given grid.
     *
     * @param schedule the schedule that defines the ODE (and converts non-velocity predictions)
     * @param grid     the time grid, noisy to clean; it may end at 0
     */
    public static EulerSolver of(NoiseSchedule schedule, TimeGrid grid) {
        return new EulerSolver(schedule, grid);
    }

    /** The schedule the ODE is written in. */
    public NoiseSchedule schedule() {
        return schedule;
    }

    @Override
    public String describe() {
        return "euler, " + grid.steps() + " steps";
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
        double[] prediction = new double[n];
        for (int i = 0; i < steps; i++) {
            double s = gridTimes[i];
            SolverRuns.announce(listener, i, steps, s);
            model.predict(x, s, prediction);
            double dt = gridTimes[i + 1] - s;
            // v = stateWeight * x + predictionWeight * prediction, whatever the prediction type.
            double stateWeight;
            double predictionWeight;
            switch (type) {
                case VELOCITY:
                    stateWeight = 0;
                    predictionWeight = 1;
                    break;
                case EPSILON:
                    requirePositive(alpha[i], "alpha", type, s);
                    stateWeight = alphaRate[i] / alpha[i];
                    predictionWeight = sigmaRate[i] - alphaRate[i] * sigma[i] / alpha[i];
                    break;
                case DATA:
                    requirePositive(sigma[i], "sigma", type, s);
                    stateWeight = sigmaRate[i] / sigma[i];
                    predictionWeight = alphaRate[i] - sigmaRate[i] * alpha[i] / sigma[i];
                    break;
                default:
                    throw new AssertionError(type);
            }
            double keep = 1 + dt * stateWeight;
            double move = dt * predictionWeight;
            for (int j = 0; j < n; j++) {
                x[j] = keep * x[j] + move * prediction[j];
            }
        }
        return x;
    }

    private static void requirePositive(double value, String name, PredictionType type, double t) {
        if (!(value > 0)) {
            throw new IllegalArgumentException("Euler with a " + type + " model needs " + name + " > 0 at every"
                    + " evaluated time, but " + name + "(" + t + ") = " + value);
        }
    }
}
