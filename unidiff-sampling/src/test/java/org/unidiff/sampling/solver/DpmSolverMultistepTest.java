package org.unidiff.sampling.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.math3.analysis.integration.gauss.GaussIntegrator;
import org.apache.commons.math3.analysis.integration.gauss.GaussIntegratorFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.unidiff.sampling.PredictionType;
import org.unidiff.sampling.schedule.DiscreteVpSchedule;
import org.unidiff.sampling.schedule.FlowMatchingSchedule;
import org.unidiff.sampling.schedule.NoiseSchedule;
import org.unidiff.sampling.solver.DpmSolverMultistep.SecondOrderRule;
import org.unidiff.sampling.solver.DpmSolverMultistep.ThirdOrderRule;
import org.unidiff.sampling.testing.GaussianModel;

class DpmSolverMultistepTest {

    private static final DiscreteVpSchedule VP = DiscreteVpSchedule.unidiffuser();
    private static final double T_START = 1.0;
    private static final double T_END = 0.001;

    private static TimeGrid logSnr(int steps) {
        return TimeGrid.logSnrUniform(VP, T_START, T_END, steps);
    }

    private static double slope(int order, SecondOrderRule second, ThirdOrderRule third) {
        double[] errors = ConvergenceFit.errors(VP, PredictionType.EPSILON, T_START, T_END,
                n -> DpmSolverMultistep.of(VP, logSnr(n), order, second, third, false));
        return ConvergenceFit.slope(errors);
    }

    @Test
    void firstOrderConvergesAtOrderOne() {
        double slope = slope(1, SecondOrderRule.MIDPOINT, ThirdOrderRule.DIFFUSERS);
        assertTrue(slope >= 0.9 && slope < 1.5, "order-1 slope " + slope);
    }

    @ParameterizedTest
    @EnumSource(SecondOrderRule.class)
    void secondOrderConvergesAtOrderTwo(SecondOrderRule rule) {
        double slope = slope(2, rule, ThirdOrderRule.DIFFUSERS);
        assertTrue(slope >= 1.8 && slope < 2.6, rule + " order-2 slope " + slope);
    }

    @Test
    void taylorThirdOrderConvergesAtLeastAtOrderThree() {
        // Measured about 4.1 over 12..96 steps: the O(h^2) first-order warm-up step would cap the
        // asymptotic order at 2, but its error constant is tiny where D barely changes (t near 1).
        double slope = slope(3, SecondOrderRule.MIDPOINT, ThirdOrderRule.TAYLOR);
        assertTrue(slope >= 2.8, "TAYLOR order-3 slope " + slope);
    }

    @ParameterizedTest
    @EnumSource(SecondOrderRule.class)
    void publishedThirdOrderRuleIsOnlySecondOrderAndLessAccurateThanTaylor(SecondOrderRule second) {
        // The published (diffusers) weight of the second difference is half the Taylor weight,
        // leaving an O(h^3) local error: theory gives global order 2 (measured about 2.3).
        double slope = slope(3, second, ThirdOrderRule.DIFFUSERS);
        assertTrue(slope >= 1.8 && slope < 2.8, "DIFFUSERS order-3 slope " + slope);
        GaussianModel gaussian = new GaussianModel(VP, ConvergenceFit.MU, ConvergenceFit.S);
        double[] x0 = ConvergenceFit.startState();
        double[] exact = gaussian.exactFlow(x0, T_START, T_END);
        DenoisingModel model = gaussian.model(PredictionType.EPSILON);
        double published = ConvergenceFit.maxError(exact, DpmSolverMultistep.of(VP, logSnr(96), 3, second,
                ThirdOrderRule.DIFFUSERS, false).sample(model, x0, StepListener.NONE));
        double taylor = ConvergenceFit.maxError(exact, DpmSolverMultistep.of(VP, logSnr(96), 3, second,
                ThirdOrderRule.TAYLOR, false).sample(model, x0, StepListener.NONE));
        assertTrue(taylor * 10 < published, "taylor " + taylor + " vs published " + published);
    }

    /**
     * With a data prediction that does not depend on x, each step must equal
     * {@code (sigma_t / sigma_s) x + sigma_t * integral of e^lambda P(lambda)} where P
     * interpolates the latest k predictions in lambda. The integral is computed here by
     * Gauss-Legendre quadrature of the Lagrange polynomial, independently of the solver's
     * closed-form weights; the Taylor rules (Heun for order 2) must match it to rounding.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void taylorStepsIntegrateTheInterpolatingPolynomialExactly(boolean timeUniformGrid) {
        for (int steps : new int[] {3, 10, 20}) {
            TimeGrid grid = timeUniformGrid ? TimeGrid.timeUniform(T_START, T_END, steps) : logSnr(steps);
            DpmSolverMultistep solver = DpmSolverMultistep.of(VP, grid, 3, SecondOrderRule.HEUN,
                    ThirdOrderRule.TAYLOR, true);
            double[] start = {0.7, -1.3, 0.0};
            double[] actual = solver.sample(timeOnlyDataModel(VP), start, StepListener.NONE);
            double[] expected = quadratureRun(VP, grid, solver.stepOrders(), start);
            for (int j = 0; j < start.length; j++) {
                assertEquals(expected[j], actual[j], 1e-12 * Math.max(1, Math.abs(expected[j])),
                        "steps " + steps + " coordinate " + j);
            }
        }
    }

    @Test
    void quadratureCheckWouldCatchTheMidpointAndPublishedWeights() {
        // Guards the exactness test itself: rules that are not interpolatory must differ from it.
        TimeGrid grid = logSnr(10);
        double[] start = {0.7, -1.3, 0.0};
        DpmSolverMultistep taylor = DpmSolverMultistep.of(VP, grid, 3, SecondOrderRule.HEUN, ThirdOrderRule.TAYLOR,
                false);
        double[] expected = quadratureRun(VP, grid, taylor.stepOrders(), start);
        for (DpmSolverMultistep other : new DpmSolverMultistep[] {
            DpmSolverMultistep.of(VP, grid, 3, SecondOrderRule.MIDPOINT, ThirdOrderRule.TAYLOR, false),
            DpmSolverMultistep.of(VP, grid, 3, SecondOrderRule.HEUN, ThirdOrderRule.DIFFUSERS, false)}) {
            double[] actual = other.sample(timeOnlyDataModel(VP), start, StepListener.NONE);
            assertTrue(ConvergenceFit.maxError(expected, actual) > 1e-6, other.describe());
        }
    }

    /** D(t) = cos(lambda) + 0.3 lambda + coordinate index: smooth, independent of x. */
    private static DenoisingModel timeOnlyDataModel(NoiseSchedule schedule) {
        return DenoisingModel.of(PredictionType.DATA, (x, t, out) -> {
            for (int j = 0; j < x.length; j++) {
                out[j] = dataAt(schedule.lambda(t), j);
            }
        });
    }

    private static double dataAt(double lambda, int j) {
        return Math.cos(lambda) + 0.3 * lambda + j;
    }

    private static double[] quadratureRun(NoiseSchedule schedule, TimeGrid grid, int[] orders, double[] start) {
        GaussIntegratorFactory factory = new GaussIntegratorFactory();
        double[] x = start.clone();
        for (int i = 0; i < grid.steps(); i++) {
            int k = orders[i];
            double[] nodes = new double[k];
            for (int m = 0; m < k; m++) {
                nodes[m] = schedule.lambda(grid.time(i - m));
            }
            double ls = nodes[0];
            double lt = schedule.lambda(grid.time(i + 1));
            double sigmaS = schedule.sigma(grid.time(i));
            double sigmaT = schedule.sigma(grid.time(i + 1));
            GaussIntegrator quadrature = factory.legendre(24, ls, lt);
            for (int j = 0; j < x.length; j++) {
                int coordinate = j;
                double[] values = new double[k];
                for (int m = 0; m < k; m++) {
                    values[m] = dataAt(nodes[m], coordinate);
                }
                // e^(lambda - lt) keeps the integrand O(1); sigma_t e^lt = alpha_t restores it.
                double integral = quadrature.integrate(l -> Math.exp(l - lt) * lagrange(nodes, values, l));
                x[j] = sigmaT / sigmaS * x[j] + schedule.alpha(grid.time(i + 1)) * integral;
            }
        }
        return x;
    }

    private static double lagrange(double[] nodes, double[] values, double at) {
        double sum = 0;
        for (int a = 0; a < nodes.length; a++) {
            double basis = 1;
            for (int b = 0; b < nodes.length; b++) {
                if (b != a) {
                    basis *= (at - nodes[b]) / (nodes[a] - nodes[b]);
                }
            }
            sum += values[a] * basis;
        }
        return sum;
    }

    @Test
    void orderPlanWarmsUpAndLowersTheEndOfShortRuns() {
        assertArrayEquals(new int[] {1, 2, 3, 3, 3, 3, 3, 3, 2, 1}, DpmSolverMultistep.orderPlan(10, 3, true));
        assertArrayEquals(new int[] {1, 2, 3, 3, 3, 3, 3, 3, 3, 3}, DpmSolverMultistep.orderPlan(10, 3, false));
        assertArrayEquals(new int[] {1, 2, 1}, DpmSolverMultistep.orderPlan(3, 3, true));
        assertArrayEquals(new int[] {1, 1}, DpmSolverMultistep.orderPlan(2, 3, true));
        assertArrayEquals(new int[] {1, 2, 2, 2, 1}, DpmSolverMultistep.orderPlan(5, 2, true));
        int[] fifteen = DpmSolverMultistep.orderPlan(15, 3, true);
        assertEquals(3, fifteen[14], "15 steps is not a short run");
        assertEquals(3, fifteen[13]);
    }

    @Test
    void unidiffuserConfigurationUsesThePublishedRulesAndLowerOrderFinal() {
        DpmSolverMultistep solver = DpmSolverMultistep.of(VP, logSnr(12));
        assertEquals(3, solver.order());
        assertEquals(SecondOrderRule.MIDPOINT, solver.secondOrderRule());
        assertEquals(ThirdOrderRule.DIFFUSERS, solver.thirdOrderRule());
        assertTrue(solver.lowerOrderFinal());
        assertArrayEquals(new int[] {1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 2, 1}, solver.stepOrders());
        assertEquals(12, solver.evaluations());
    }

    @Test
    void diffusersGridUsesRoundedLinspaceTimestepsShiftedByOne() {
        double[] fifty = DpmSolverMultistep.diffusersGrid(VP, 50).times();
        assertEquals(51, fifty.length);
        assertEquals(1.0, fifty[0], 1e-15);     // timestep 999
        assertEquals(0.980, fifty[1], 1e-15);   // timestep 979 (979.02)
        assertEquals(0.960, fifty[2], 1e-15);   // timestep 959 (959.04)
        assertEquals(0.021, fifty[49], 1e-15);  // timestep 20 (19.98)
        assertEquals(0.001, fifty[50], 1e-15);  // the schedule's tMin
        // linspace(0, 999, 7) = 0, 166.5, 333, 499.5, 666, 832.5, 999; halves round to even.
        double[] six = DpmSolverMultistep.diffusersGrid(VP, 6).times();
        double[] expected = {1.0, 0.833, 0.667, 0.501, 0.334, 0.167, 0.001};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], six[i], 1e-15, "point " + i);
        }
        assertThrows(IllegalArgumentException.class, () -> DpmSolverMultistep.diffusersGrid(VP, 0));
        assertThrows(IllegalArgumentException.class, () -> DpmSolverMultistep.diffusersGrid(VP, 1000));
        assertThrows(IllegalArgumentException.class,
                () -> DpmSolverMultistep.diffusersGrid(VP.withTMin(0.5), 50));
    }

    @Test
    void diffusersGridRunIsCloseToTheExactFlow() {
        GaussianModel gaussian = new GaussianModel(VP, ConvergenceFit.MU, ConvergenceFit.S);
        double[] x0 = ConvergenceFit.startState();
        double[] result = DpmSolverMultistep.of(VP, DpmSolverMultistep.diffusersGrid(VP, 50))
                .sample(gaussian.model(PredictionType.EPSILON), x0, StepListener.NONE);
        double error = ConvergenceFit.maxError(gaussian.exactFlow(x0, T_START, T_END), result);
        // The time-uniform spacing is coarse in lambda near t = 0, as for the reference grid.
        assertTrue(error < 2e-2, "error " + error);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void resultDoesNotDependOnThePredictionType(int order) {
        GaussianModel gaussian = new GaussianModel(VP, ConvergenceFit.MU, ConvergenceFit.S);
        DpmSolverMultistep solver = DpmSolverMultistep.of(VP, logSnr(20), order, SecondOrderRule.MIDPOINT,
                ThirdOrderRule.DIFFUSERS, true);
        double[] x0 = ConvergenceFit.startState();
        double[] fromEps = solver.sample(gaussian.model(PredictionType.EPSILON), x0, StepListener.NONE);
        for (PredictionType type : new PredictionType[] {PredictionType.DATA, PredictionType.VELOCITY}) {
            double[] other = solver.sample(gaussian.model(type), x0, StepListener.NONE);
            assertArrayEquals(fromEps, other, 1e-9, type.name());
        }
    }

    @Test
    void listenerSeesEveryEvaluationAndCancelsAfterExactlyK() {
        GaussianModel gaussian = new GaussianModel(VP, ConvergenceFit.MU, ConvergenceFit.S);
        AtomicInteger calls = new AtomicInteger();
        DenoisingModel eps = gaussian.model(PredictionType.EPSILON);
        DenoisingModel counting = DenoisingModel.of(PredictionType.EPSILON, (x, t, out) -> {
            calls.incrementAndGet();
            eps.predict(x, t, out);
        });
        DpmSolverMultistep solver = DpmSolverMultistep.of(VP, logSnr(10));
        double[] seen = new double[10];
        solver.sample(counting, ConvergenceFit.startState(), event -> {
            assertEquals(10, event.totalEvaluations());
            assertEquals(calls.get(), event.evaluation(), "listener runs before the evaluation");
            seen[event.evaluation()] = event.time();
            return true;
        });
        assertArrayEquals(Arrays.copyOf(solver.grid().times(), 10), seen, 0);
        calls.set(0);
        SamplingCancelledException cancelled = assertThrows(SamplingCancelledException.class,
                () -> solver.sample(counting, ConvergenceFit.startState(), event -> event.evaluation() < 4));
        assertEquals(4, cancelled.evaluation());
        assertEquals(4, calls.get());
    }

    @Test
    void initialStateIsNotModifiedAndConcurrentRunsAgree() throws Exception {
        GaussianModel gaussian = new GaussianModel(VP, ConvergenceFit.MU, ConvergenceFit.S);
        DpmSolverMultistep solver = DpmSolverMultistep.of(VP, logSnr(30));
        double[] x0 = ConvergenceFit.startState();
        double[] copy = x0.clone();
        double[] single = solver.sample(gaussian.model(PredictionType.EPSILON), x0, StepListener.NONE);
        assertArrayEquals(copy, x0, 0);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<double[]> a = pool.submit(() -> solver.sample(gaussian.model(PredictionType.EPSILON), x0,
                    StepListener.NONE));
            Future<double[]> b = pool.submit(() -> solver.sample(gaussian.model(PredictionType.EPSILON), x0,
                    StepListener.NONE));
            assertArrayEquals(single, a.get(), 0);
            assertArrayEquals(single, b.get(), 0);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badArgumentsAreRejectedWithClearMessages() {
        IllegalArgumentException order = assertThrows(IllegalArgumentException.class,
                () -> DpmSolverMultistep.of(VP, logSnr(10), 4, SecondOrderRule.MIDPOINT, ThirdOrderRule.TAYLOR, true));
        assertTrue(order.getMessage().contains("1, 2 or 3"), order.getMessage());
        FlowMatchingSchedule flow = new FlowMatchingSchedule(1);
        IllegalArgumentException infinite = assertThrows(IllegalArgumentException.class,
                () -> DpmSolverMultistep.of(flow, TimeGrid.timeUniform(1.0, 0.1, 10)));
        assertTrue(infinite.getMessage().contains("grid time 0"), infinite.getMessage());
        // A schedule whose log-SNR falls along the grid cannot be stepped in lambda.
        IllegalArgumentException rising = assertThrows(IllegalArgumentException.class,
                () -> DpmSolverMultistep.of(new ReversedLambda(VP), logSnr(10)));
        assertTrue(rising.getMessage().contains("strictly increase"), rising.getMessage());
        assertThrows(NullPointerException.class, () -> DpmSolverMultistep.of(null, logSnr(10)));
        DpmSolverMultistep solver = DpmSolverMultistep.of(VP, logSnr(10));
        assertThrows(NullPointerException.class,
                () -> solver.sample(null, new double[1], StepListener.NONE));
    }

    /** A schedule whose log-SNR falls with t reversed, to exercise the monotonicity check. */
    private record ReversedLambda(NoiseSchedule inner) implements NoiseSchedule {
        @Override
        public double alpha(double t) {
            return inner.alpha(t);
        }

        @Override
        public double sigma(double t) {
            return inner.sigma(t);
        }

        @Override
        public double lambda(double t) {
            return -inner.lambda(t);
        }

        @Override
        public double inverseLambda(double lambda) {
            return inner.inverseLambda(-lambda);
        }

        @Override
        public double alphaDerivative(double t) {
            return inner.alphaDerivative(t);
        }

        @Override
        public double sigmaDerivative(double t) {
            return inner.sigmaDerivative(t);
        }

        @Override
        public double networkTime(double t) {
            return inner.networkTime(t);
        }

        @Override
        public double tMax() {
            return inner.tMax();
        }

        @Override
        public double tMin() {
            return inner.tMin();
        }

        @Override
        public double networkTimeNoise() {
            return inner.networkTimeNoise();
        }
    }
}
