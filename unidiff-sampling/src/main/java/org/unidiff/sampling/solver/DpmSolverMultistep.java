package org.unidiff.sampling.solver;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.StringJoiner;
import org.unidiff.sampling.PredictionType;
import org.unidiff.sampling.schedule.DiscreteVpSchedule;
import org.unidiff.sampling.schedule.NoiseSchedule;

/**
 * Multistep DPM-Solver++ (data prediction) of order 1, 2 or 3: one model evaluation per step,
 * the higher orders reusing the data predictions of the previous one or two grid points.
 *
 * <p>Every step from grid point {@code s} to {@code t}, with {@code h = lambda(t) - lambda(s)},
 * integrates the probability-flow ODE exactly in its linear part and approximates the data
 * prediction D by a polynomial in lambda through the latest 1, 2 or 3 predictions:
 * <pre>
 *   x_t = (sigma_t / sigma_s) x_s + sigma_t * integral over [lambda_s, lambda_t] of e^lambda D(lambda)
 * </pre>
 * The first steps use lower orders while history is missing (warm-up). With
 * {@code lowerOrderFinal} and fewer than 15 steps, the last step is of order 1 and the one
 * before of order at most 2, as diffusers does to stabilise short runs.
 *
 * <p>The third-order step weighs the second divided difference either as published and as
 * diffusers does ({@link ThirdOrderRule#DIFFUSERS}, the UniDiffuser configuration, globally
 * second order) or with the exact Taylor weight ({@link ThirdOrderRule#TAYLOR}, third order).
 * In theory the first-order warm-up step (local error O(h^2)) caps any multistep method at
 * global order 2; on practical step counts this barely shows because the warm-up falls where
 * the data prediction hardly changes.
 *
 * <p>The per-step weights depend only on the schedule and the grid, so they are computed once
 * at construction; a step makes two passes over the state (prediction conversion, then one
 * fused update) and allocates nothing. Instances are immutable and thread-safe.
 */
public final class DpmSolverMultistep implements Solver {

    /** Steps below which {@code lowerOrderFinal} takes effect, as in diffusers. */
    public static final int LOWER_ORDER_FINAL_BELOW = 15;

    /** How a second-order step weighs the first divided difference (diffusers' {@code solver_type}). */
    public enum SecondOrderRule {
        /** Weight {@code -0.5 * alpha_t * expm1(-h)}: diffusers' default and UniDiffuser's choice. */
        MIDPOINT,
        /** Weight {@code alpha_t * (expm1(-h) / h + 1)}: the Taylor weight of the first derivative. */
        HEUN
    }

    /** How a third-order step weighs the second divided difference. */
    public enum ThirdOrderRule {
        /**
         * The weight published with DPM-Solver++ and used by diffusers:
         * {@code alpha_t * (1/2 - (h + expm1(-h)) / h^2)}, half the Taylor weight, so the step's
         * local error is O(h^3) and the method is globally second order (measured slope about 2.3
         * over 12 to 96 steps on Gaussian data, against about 4 for {@link #TAYLOR}).
         */
        DIFFUSERS,
        /** Twice the published weight, the exact Taylor weight: globally third order. */
        TAYLOR
    }

    private final NoiseSchedule schedule;
    private final TimeGrid grid;
    private final int order;
    private final SecondOrderRule secondOrderRule;
    private final ThirdOrderRule thirdOrderRule;
    private final boolean lowerOrderFinal;
    private final int[] stepOrders;
    private final double[] gridTimes;
    private final StepWeights[] weights;

    /**
     * Weights of one step: {@code x_t = ratio * x_s + w0 * D_s + w1 * D_prev + w2 * D_prevprev}.
     */
    private record StepWeights(double ratio, double w0, double w1, double w2) {
    }

    private DpmSolverMultistep(NoiseSchedule schedule, TimeGrid grid, int order,
                               SecondOrderRule secondOrderRule, ThirdOrderRule thirdOrderRule,
                               boolean lowerOrderFinal) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.grid = Objects.requireNonNull(grid, "grid");
        this.secondOrderRule = Objects.requireNonNull(secondOrderRule, "secondOrderRule");
        this.thirdOrderRule = Objects.requireNonNull(thirdOrderRule, "thirdOrderRule");
        if (order < 1 || order > 3) {
            throw new IllegalArgumentException("DPM-Solver++ multistep order must be 1, 2 or 3, got " + order);
        }
        this.order = order;
        this.lowerOrderFinal = lowerOrderFinal;
        this.gridTimes = grid.times();
        int steps = grid.steps();
        double[] lambda = new double[steps + 1];
        double[] alpha = new double[steps + 1];
        double[] sigma = new double[steps + 1];
        for (int i = 0; i <= steps; i++) {
            double t = gridTimes[i];
            lambda[i] = schedule.lambda(t);
            alpha[i] = schedule.alpha(t);
            sigma[i] = schedule.sigma(t);
            if (!Double.isFinite(lambda[i]) || !(sigma[i] > 0)) {
                throw new IllegalArgumentException("DPM-Solver++ needs a finite log-SNR and sigma > 0 at every grid"
                        + " time; grid time " + i + " = " + t + " has lambda " + lambda[i] + ", sigma " + sigma[i]
                        + " (end a flow-matching grid above 0 and start it below 1, or use Euler)");
            }
            if (i > 0 && !(lambda[i] > lambda[i - 1])) {
                throw new IllegalArgumentException("the log-SNR must strictly increase along the grid; at grid time "
                        + i + " = " + t + " it is " + lambda[i] + " after " + lambda[i - 1]);
            }
        }
        this.stepOrders = orderPlan(steps, order, lowerOrderFinal);
        this.weights = new StepWeights[steps];
        for (int i = 0; i < steps; i++) {
            weights[i] = stepWeights(i, stepOrders[i], lambda, alpha, sigma, secondOrderRule, thirdOrderRule);
        }
    }

    /**
     * The UniDiffuser configuration of diffusers: order 3, midpoint second-order rule, the published
     * third-order weight, lower orders at the end of short runs.
     *
     * @param schedule the noise schedule
     * @param grid     the time grid, e.g. {@link #diffusersGrid(DiscreteVpSchedule, int)}
     */
    public static DpmSolverMultistep of(NoiseSchedule schedule, TimeGrid grid) {
        return new DpmSolverMultistep(schedule, grid, 3, SecondOrderRule.MIDPOINT, ThirdOrderRule.DIFFUSERS, true);
    }

    /**
     * A fully specified solver.
     *
     * @param schedule        the noise schedule
     * @param grid            the time grid; the log-SNR must be finite and strictly increase along it
     * @param order           1, 2 or 3
     * @param secondOrderRule weight of the first difference in second-order steps
     * @param thirdOrderRule  weight of the second difference in third-order steps
     * @param lowerOrderFinal whether runs of fewer than {@value #LOWER_ORDER_FINAL_BELOW} steps end
     *                        with lower orders
     * @throws IllegalArgumentException if the order is not 1 to 3 or the grid is unusable for the schedule
     */
    public static DpmSolverMultistep of(NoiseSchedule schedule, TimeGrid grid, int order,
                                        SecondOrderRule secondOrderRule, ThirdOrderRule thirdOrderRule,
                                        boolean lowerOrderFinal) {
        return new DpmSolverMultistep(schedule, grid, order, secondOrderRule, thirdOrderRule, lowerOrderFinal);
    }

    /**
     * A grid that mimics diffusers' "linspace" integer timesteps on a discrete schedule:
     * {@code round(linspace(0, N - 1, steps + 1))} (halves to even) reversed without its last
     * entry (999, 979, ..., 20 for N = 1000 and 50 steps), each discrete timestep {@code n} mapped
     * to continuous time {@code (n + 1) / N}, then the schedule's {@link DiscreteVpSchedule#tMin()}
     * as the end.
     *
     * <p>This is close to, not identical with, diffusers: the network here is fed
     * {@code N * t = n + 1} where diffusers feeds the integer {@code n}, and diffusers' last step
     * goes to its configured final noise level (zero, with a forced first-order step, in recent
     * versions) rather than to {@code tMin}.
     *
     * @throws IllegalArgumentException if steps is not in 1..N-1 or the last timestep is not above tMin
     */
    public static TimeGrid diffusersGrid(DiscreteVpSchedule schedule, int steps) {
        int n = schedule.trainSteps();
        if (steps < 1 || steps >= n) {
            throw new IllegalArgumentException("steps must be in 1.." + (n - 1) + " for " + n
                    + " training steps, got " + steps);
        }
        double[] times = new double[steps + 1];
        for (int k = 0; k < steps; k++) {
            // Entry steps - k of linspace(0, N - 1, steps + 1): the reversal, dropping index 0.
            // rint rounds halves to even, as numpy's round does (166.5 -> 166 for 6 steps).
            double timestep = Math.rint((double) (n - 1) * (steps - k) / steps);
            times[k] = (timestep + 1) / (double) n;
        }
        times[steps] = schedule.tMin();
        if (!(times[steps] < times[steps - 1])) {
            throw new IllegalArgumentException("the schedule's tMin " + schedule.tMin()
                    + " must lie below the last discrete timestep's time " + times[steps - 1]);
        }
        return TimeGrid.of(times);
    }

    /**
     * The order of every step: warm-up from order 1, the configured order after, and with
     * {@code lowerOrderFinal} on runs shorter than {@value #LOWER_ORDER_FINAL_BELOW} steps order 1
     * for the last step and at most 2 for the one before.
     */
    static int[] orderPlan(int steps, int order, boolean lowerOrderFinal) {
        int[] plan = new int[steps];
        boolean shortRun = lowerOrderFinal && steps < LOWER_ORDER_FINAL_BELOW;
        for (int i = 0; i < steps; i++) {
            int k = Math.min(order, i + 1);
            if (shortRun && i == steps - 1) {
                k = 1;
            } else if (shortRun && i == steps - 2) {
                k = Math.min(k, 2);
            }
            plan[i] = k;
        }
        return plan;
    }

    private static StepWeights stepWeights(int i, int k, double[] lambda, double[] alpha, double[] sigma,
                                           SecondOrderRule rule, ThirdOrderRule thirdRule) {
        double h = lambda[i + 1] - lambda[i];
        double alphaT = alpha[i + 1];
        double ratio = sigma[i + 1] / sigma[i];
        double phi1 = Math.expm1(-h);
        // Weight of D_s: the integral of e^lambda against a constant D.
        double w0 = -alphaT * phi1;
        double w1 = 0;
        double w2 = 0;
        if (k == 2) {
            double r0 = (lambda[i] - lambda[i - 1]) / h;
            // First divided difference in units of h: (D_s - D_prev) / r0.
            double c1 = rule == SecondOrderRule.MIDPOINT ? -0.5 * alphaT * phi1 : alphaT * (phi1 / h + 1);
            w0 += c1 / r0;
            w1 -= c1 / r0;
        } else if (k == 3) {
            double[] w = thirdOrderWeights(h, alphaT, (lambda[i] - lambda[i - 1]) / h,
                    (lambda[i - 1] - lambda[i - 2]) / h, thirdRule);
            w0 += w[0];
            w1 += w[1];
            w2 += w[2];
        }
        return new StepWeights(ratio, w0, w1, w2);
    }

    /**
     * Weights of {@code D_s, D_prev, D_prevprev} beyond the order-1 term in a third-order step.
     * In {@code v = (lambda - lambda_s) / h} the quadratic through the three predictions (at
     * {@code v = 0, -r0, -r0 - r1}) is {@code D_s + c1 v + c2 v^2}; integrating against
     * {@code e^lambda} gives {@code alpha_t * phi2 * c1 + 2 * alpha_t * (1/2 - (h + expm1(-h)) / h^2) * c2}.
     * The factor 2 (from {@code h^2 D'' = 2 c2}) is what makes the step third order; the
     * published rule leaves it out.
     */
    private static double[] thirdOrderWeights(double h, double alphaT, double r0, double r1, ThirdOrderRule rule) {
        double phi1 = Math.expm1(-h);
        double phi2 = phi1 / h + 1;
        double phi3 = 0.5 - (h + phi1) / (h * h);
        double weightC1 = alphaT * phi2;
        double weightC2 = (rule == ThirdOrderRule.TAYLOR ? 2 : 1) * alphaT * phi3;
        // Newton form: d0 = (D_s - D_prev) / r0, d1 = (D_prev - D_prevprev) / r1,
        // c2 = (d0 - d1) / (r0 + r1), c1 = d0 + r0 * c2.
        double q = 1 / (r0 + r1);
        double weightD0 = weightC1 * (1 + r0 * q) + weightC2 * q;
        double weightD1 = -(weightC1 * r0 * q + weightC2 * q);
        return new double[] {
            weightD0 / r0,
            -weightD0 / r0 + weightD1 / r1,
            -weightD1 / r1
        };
    }

    /** The configured maximum order. */
    public int order() {
        return order;
    }

    /** The second-order rule. */
    public SecondOrderRule secondOrderRule() {
        return secondOrderRule;
    }

    /** The third-order rule. */
    public ThirdOrderRule thirdOrderRule() {
        return thirdOrderRule;
    }

    /** Whether short runs end with lower orders. */
    public boolean lowerOrderFinal() {
        return lowerOrderFinal;
    }

    /** The schedule the solver integrates in. */
    public NoiseSchedule schedule() {
        return schedule;
    }

    /** The order of each step, after warm-up and final lowering. */
    public int[] stepOrders() {
        return stepOrders.clone();
    }

    @Override
    public String describe() {
        StringJoiner options = new StringJoiner(", ", " (", ")").setEmptyValue("");
        if (order >= 2) {
            options.add(lower(secondOrderRule));
        }
        if (order == 3) {
            options.add(lower(thirdOrderRule));
        }
        if (lowerOrderFinal) {
            options.add("lower order final");
        }
        return "dpm-solver++-" + order + " multistep" + options + ", " + grid.steps() + " steps";
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
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
        // Ring of the three latest data predictions; the newest is written where the oldest was.
        double[][] history = {new double[n], order > 1 ? new double[n] : null, order > 2 ? new double[n] : null};
        for (int i = 0; i < steps; i++) {
            double t = gridTimes[i];
            SolverRuns.announce(listener, i, steps, t);
            double[] d0 = history[i % order];
            model.predict(x, t, d0);
            type.toData(schedule, t, x, d0, d0, n);
            StepWeights w = weights[i];
            int k = stepOrders[i];
            if (k == 1) {
                double ratio = w.ratio();
                double w0 = w.w0();
                for (int j = 0; j < n; j++) {
                    x[j] = ratio * x[j] + w0 * d0[j];
                }
            } else if (k == 2) {
                double[] d1 = history[(i - 1) % order];
                double ratio = w.ratio();
                double w0 = w.w0();
                double w1 = w.w1();
                for (int j = 0; j < n; j++) {
                    x[j] = ratio * x[j] + w0 * d0[j] + w1 * d1[j];
                }
            } else {
                double[] d1 = history[(i - 1) % order];
                double[] d2 = history[(i - 2) % order];
                double ratio = w.ratio();
                double w0 = w.w0();
                double w1 = w.w1();
                double w2 = w.w2();
                for (int j = 0; j < n; j++) {
                    x[j] = ratio * x[j] + w0 * d0[j] + w1 * d1[j] + w2 * d2[j];
                }
            }
        }
        return x;
    }

    @Override
    public String toString() {
        return describe() + " " + Arrays.toString(stepOrders);
    }
}
