package org.unidiff.sampling.solver;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unidiff.sampling.PredictionType;
import org.unidiff.sampling.schedule.DiscreteVpSchedule;
import org.unidiff.sampling.schedule.NoiseSchedule;

/**
 * DPM-Solver, singlestep, with data prediction (the solver of the original UniDiffuser sampler).
 *
 * <p>The run is a sequence of steps of order 1, 2 or 3 (the {@link #fastOrders "fast" order
 * plan} unless given explicitly). A step of order k starts at grid point i, ends at grid point
 * i + k and evaluates the model at grid points i .. i + k - 1, so every grid point but the last
 * is evaluated exactly once and {@link #evaluations()} equals the number of grid intervals. The
 * fractions r1, r2 of a step's lambda interval come from the lambdas of its intermediate grid
 * points, so the same class serves the reference time-uniform grid and a logSNR-uniform grid.
 * The last grid point is returned as it is (no final denoising evaluation).
 *
 * <p>Whatever the model predicts is converted to data prediction with
 * {@link PredictionType#toData} before it enters the update rules.
 *
 * <p>Instances are immutable and thread-safe: all run state lives inside one {@link #sample}
 * call, which allocates its working buffers once and reuses them for every step.
 */
public final class DpmSolverSinglestep implements Solver {

    private static final Logger LOG = LoggerFactory.getLogger(DpmSolverSinglestep.class);

    /** Steps of the reference UniDiffuser sampler. */
    public static final int REFERENCE_STEPS = 50;

    /** Order of the reference UniDiffuser sampler. */
    public static final int REFERENCE_ORDER = 3;

    private final NoiseSchedule schedule;
    private final TimeGrid grid;
    private final int[] orders;
    private final int maxOrder;
    // Schedule values at the grid points, fixed at construction so that runs only do arithmetic.
    private final double[] lambdas;
    private final double[] alphas;
    private final double[] sigmas;

    private DpmSolverSinglestep(NoiseSchedule schedule, TimeGrid grid, int[] orders) {
        this.schedule = schedule;
        this.grid = grid;
        this.orders = orders;
        int sum = 0;
        int max = 0;
        for (int i = 0; i < orders.length; i++) {
            if (orders[i] < 1 || orders[i] > 3) {
                throw new IllegalArgumentException("step " + i + " has order " + orders[i] + ", expected 1, 2 or 3");
            }
            sum += orders[i];
            max = Math.max(max, orders[i]);
        }
        if (sum != grid.steps()) {
            throw new IllegalArgumentException("the step orders sum to " + sum + " but the grid has "
                    + grid.steps() + " intervals; they must be equal");
        }
        this.maxOrder = max;
        int points = grid.steps() + 1;
        this.lambdas = new double[points];
        this.alphas = new double[points];
        this.sigmas = new double[points];
        for (int i = 0; i < points; i++) {
            double t = grid.time(i);
            lambdas[i] = schedule.lambda(t);
            alphas[i] = schedule.alpha(t);
            sigmas[i] = schedule.sigma(t);
            if (!Double.isFinite(lambdas[i]) || !(sigmas[i] > 0) || !(alphas[i] > 0)) {
                throw new IllegalArgumentException("grid time " + t + " (point " + i + ") gives alpha = " + alphas[i]
                        + ", sigma = " + sigmas[i] + ", lambda = " + lambdas[i]
                        + "; DPM-Solver needs alpha > 0, sigma > 0 and a finite lambda at every grid point");
            }
            if (i > 0 && !(lambdas[i] > lambdas[i - 1])) {
                throw new IllegalArgumentException("lambda must strictly increase along the grid, but lambda("
                        + t + ") = " + lambdas[i] + " <= lambda(" + grid.time(i - 1) + ") = " + lambdas[i - 1]);
            }
        }
    }

    /**
     * A solver of the given order with the "fast" order plan for the grid's number of intervals.
     *
     * @param schedule the noise schedule the model was trained with
     * @param grid     the time grid, noisy to clean; its intervals are the model evaluations
     * @param order    1, 2 or 3
     */
    public static DpmSolverSinglestep of(NoiseSchedule schedule, TimeGrid grid, int order) {
        Objects.requireNonNull(grid, "grid");
        return withOrders(schedule, grid, fastOrders(grid.steps(), order));
    }

    /**
     * A solver with an explicit order plan.
     *
     * @param orders the order of every step, each 1, 2 or 3, summing to {@code grid.steps()}
     */
    public static DpmSolverSinglestep withOrders(NoiseSchedule schedule, TimeGrid grid, List<Integer> orders) {
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(grid, "grid");
        Objects.requireNonNull(orders, "orders");
        if (orders.isEmpty()) {
            throw new IllegalArgumentException("the order plan is empty; it needs at least one step");
        }
        int[] copy = new int[orders.size()];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = Objects.requireNonNull(orders.get(i), "order of step " + i);
        }
        return new DpmSolverSinglestep(schedule, grid, copy);
    }

    /**
     * A solver on the reference time-uniform grid from the schedule's {@code tMax} to its
     * {@code tMin}, with the "fast" plan.
     */
    public static DpmSolverSinglestep timeUniform(NoiseSchedule schedule, int steps, int order) {
        Objects.requireNonNull(schedule, "schedule");
        return of(schedule, TimeGrid.timeUniform(schedule.tMax(), schedule.tMin(), steps), order);
    }

    /**
     * A solver on a grid uniform in lambda from the schedule's {@code tMax} to its {@code tMin},
     * with the "fast" plan: far more accurate than the time-uniform grid for the same steps.
     */
    public static DpmSolverSinglestep logSnrUniform(NoiseSchedule schedule, int steps, int order) {
        Objects.requireNonNull(schedule, "schedule");
        return of(schedule, TimeGrid.logSnrUniform(schedule, schedule.tMax(), schedule.tMin(), steps), order);
    }

    /**
     * The original UniDiffuser sampler: UniDiffuser's schedule, 50 steps on the time-uniform grid
     * from 1.0 to 0.001, order 3 with the "fast" plan.
     */
    public static DpmSolverSinglestep reference() {
        return timeUniform(DiscreteVpSchedule.unidiffuser(), REFERENCE_STEPS, REFERENCE_ORDER);
    }

    /**
     * The "fast" order plan of DPM-Solver: step orders that sum to {@code steps}, using the
     * highest order as often as possible and lower orders only at the clean end.
     *
     * <ul>
     *   <li>order 3, with K = steps / 3 + 1: steps % 3 == 0 gives [3] * (K - 2) + [2, 1];
     *       steps % 3 == 1 gives [3] * (K - 1) + [1]; steps % 3 == 2 gives [3] * (K - 1) + [2];</li>
     *   <li>order 2: even steps give [2] * (steps / 2); odd steps give [2] * (steps / 2) + [1];</li>
     *   <li>order 1: [1] * steps.</li>
     * </ul>
     *
     * <p>Order 3 never ends on a third-order step, and with steps divisible by 3 it ends on
     * [2, 1] rather than [3]: this is the plan of the reference sampler (not the shortest one).
     * For 1 or 2 steps at order 3 the plan is [1] or [2], and for 3 steps [2, 1].
     *
     * @param steps number of grid intervals (model evaluations), at least 1
     * @param order 1, 2 or 3
     * @return an unmodifiable list of step orders
     */
    public static List<Integer> fastOrders(int steps, int order) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        List<Integer> plan = new ArrayList<>();
        switch (order) {
            case 1:
                repeat(plan, 1, steps);
                break;
            case 2:
                repeat(plan, 2, steps / 2);
                if (steps % 2 == 1) {
                    plan.add(1);
                }
                break;
            case 3: {
                int k = steps / 3 + 1;
                switch (steps % 3) {
                    case 0:
                        repeat(plan, 3, k - 2);
                        plan.add(2);
                        plan.add(1);
                        break;
                    case 1:
                        repeat(plan, 3, k - 1);
                        plan.add(1);
                        break;
                    default:
                        repeat(plan, 3, k - 1);
                        plan.add(2);
                        break;
                }
                break;
            }
            default:
                throw new IllegalArgumentException("order must be 1, 2 or 3, got " + order);
        }
        return Collections.unmodifiableList(plan);
    }

    private static void repeat(List<Integer> plan, int order, int count) {
        for (int i = 0; i < count; i++) {
            plan.add(order);
        }
    }

    /** The noise schedule the solver steps in. */
    public NoiseSchedule schedule() {
        return schedule;
    }

    /** The order of every step, in run order (unmodifiable). */
    public List<Integer> orders() {
        List<Integer> list = new ArrayList<>(orders.length);
        for (int o : orders) {
            list.add(o);
        }
        return Collections.unmodifiableList(list);
    }

    @Override
    public String describe() {
        return "dpm-solver-" + maxOrder + " singlestep, " + grid.steps() + " steps";
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
        SolverRuns.checkArguments(model, initialState, listener);
        Run run = new Run(model, initialState, listener);
        LOG.debug("{}: {} values, model predicts {}", describe(), initialState.length, model.predictionType());
        for (int step = 0, point = 0; step < orders.length; point += orders[step], step++) {
            switch (orders[step]) {
                case 1:
                    run.firstOrder(point);
                    break;
                case 2:
                    run.secondOrder(point);
                    break;
                default:
                    run.thirdOrder(point);
                    break;
            }
        }
        return run.x;
    }

    /** The state of one {@link #sample} call: the buffers, reused by every step. */
    private final class Run {
        private final DenoisingModel model;
        private final StepListener listener;
        private final int n;
        private final double[] x;
        private final double[] d0;
        private final double[] d1;
        private final double[] d2;
        private final double[] xMid;
        private int evaluation;

        Run(DenoisingModel model, double[] initialState, StepListener listener) {
            this.model = model;
            this.listener = listener;
            this.n = initialState.length;
            this.x = initialState.clone();
            this.d0 = new double[n];
            this.d1 = maxOrder >= 2 ? new double[n] : null;
            this.d2 = maxOrder >= 3 ? new double[n] : null;
            this.xMid = maxOrder >= 2 ? new double[n] : null;
        }

        /** Data prediction at grid point {@code point} from state {@code state}, into {@code out}. */
        private void dataPrediction(double[] state, int point, double[] out) {
            double t = grid.time(point);
            SolverRuns.announce(listener, evaluation, grid.steps(), t);
            model.predict(state, t, out);
            model.predictionType().toData(schedule, t, state, out, out, n);
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(out[i])) {
                    throw new IllegalStateException("model evaluation " + evaluation + " at t = " + t
                            + " gave a non-finite data prediction " + out[i] + " at index " + i);
                }
            }
            evaluation++;
        }

        void firstOrder(int s) {
            int t = s + 1;
            dataPrediction(x, s, d0);
            double phi1 = Math.expm1(-(lambdas[t] - lambdas[s]));
            double cx = sigmas[t] / sigmas[s];
            double c0 = -alphas[t] * phi1;
            for (int i = 0; i < n; i++) {
                x[i] = cx * x[i] + c0 * d0[i];
            }
        }

        void secondOrder(int s) {
            int s1 = s + 1;
            int t = s + 2;
            double h = lambdas[t] - lambdas[s];
            double h1 = lambdas[s1] - lambdas[s];
            double r1 = h1 / h;
            double phi11 = Math.expm1(-h1);
            double phi1 = Math.expm1(-h);

            dataPrediction(x, s, d0);
            double cxMid = sigmas[s1] / sigmas[s];
            double c0Mid = -alphas[s1] * phi11;
            for (int i = 0; i < n; i++) {
                xMid[i] = cxMid * x[i] + c0Mid * d0[i];
            }
            dataPrediction(xMid, s1, d1);

            double cx = sigmas[t] / sigmas[s];
            double c0 = -alphas[t] * phi1;
            double cDiff = -(0.5 / r1) * alphas[t] * phi1;
            for (int i = 0; i < n; i++) {
                x[i] = cx * x[i] + c0 * d0[i] + cDiff * (d1[i] - d0[i]);
            }
        }

        void thirdOrder(int s) {
            int s1 = s + 1;
            int s2 = s + 2;
            int t = s + 3;
            double h = lambdas[t] - lambdas[s];
            double h1 = lambdas[s1] - lambdas[s];
            double h2 = lambdas[s2] - lambdas[s];
            double r1 = h1 / h;
            double r2 = h2 / h;
            double phi11 = Math.expm1(-h1);
            double phi12 = Math.expm1(-h2);
            double phi1 = Math.expm1(-h);
            double phi22 = phi12 / h2 + 1;
            double phi2 = phi1 / h + 1;

            dataPrediction(x, s, d0);
            double cx1 = sigmas[s1] / sigmas[s];
            double c01 = -alphas[s1] * phi11;
            for (int i = 0; i < n; i++) {
                xMid[i] = cx1 * x[i] + c01 * d0[i];
            }
            dataPrediction(xMid, s1, d1);

            double cx2 = sigmas[s2] / sigmas[s];
            double c02 = -alphas[s2] * phi12;
            double cDiff2 = (r2 / r1) * alphas[s2] * phi22;
            for (int i = 0; i < n; i++) {
                xMid[i] = cx2 * x[i] + c02 * d0[i] + cDiff2 * (d1[i] - d0[i]);
            }
            dataPrediction(xMid, s2, d2);

            double cx = sigmas[t] / sigmas[s];
            double c0 = -alphas[t] * phi1;
            double cDiff = (1 / r2) * alphas[t] * phi2;
            for (int i = 0; i < n; i++) {
                x[i] = cx * x[i] + c0 * d0[i] + cDiff * (d2[i] - d0[i]);
            }
        }
    }
}
