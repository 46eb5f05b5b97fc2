package org.unidiff.sampling.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.math3.stat.regression.SimpleRegression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.unidiff.sampling.PredictionType;
import org.unidiff.sampling.schedule.DiscreteVpSchedule;
import org.unidiff.sampling.schedule.FlowMatchingSchedule;
import org.unidiff.sampling.schedule.NoiseSchedule;
import org.unidiff.sampling.testing.GaussianModel;

/**
 * Accuracy against the exact probability-flow answer of the Gaussian fixture: the convergence
 * order of each solver order on logSNR-uniform grids, and the reference configuration's errors.
 */
class DpmSolverSinglestepConvergenceTest {

    private static final double MU = 0.3;
    private static final double S = 0.5;
    private static final double[] X_T = linspace(-2.0, 2.0, 16);

    /** A schedule with the time span to integrate over and the prediction type its model gives. */
    record Setup(String name, NoiseSchedule schedule, double tStart, double tEnd, PredictionType type) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Setup> setups() {
        return Stream.of(
                new Setup("unidiffuser, epsilon", DiscreteVpSchedule.unidiffuser(), 1.0, 0.001, PredictionType.EPSILON),
                new Setup("flow matching, velocity", new FlowMatchingSchedule(1), 0.99, 0.01, PredictionType.VELOCITY));
    }

    static Stream<Arguments> ordersAndSetups() {
        // Thresholds under the asymptotic orders 1, 2, 3: 12..96 steps is not yet asymptotic.
        return setups().flatMap(setup -> Stream.of(
                Arguments.of(setup, 1, 0.9),
                Arguments.of(setup, 2, 1.8),
                Arguments.of(setup, 3, 2.2)));
    }

    /**
     * Fast plans for orders 1 and 2 (all steps of that order for these even step counts); for
     * order 3 only third-order steps, since the fast plan's trailing [2, 1] steps cap its order at 2.
     */
    private static List<Integer> plan(int steps, int order) {
        return order == 3 ? Collections.nCopies(steps / 3, 3) : DpmSolverSinglestep.fastOrders(steps, order);
    }

    @ParameterizedTest(name = "{0}, order {1}")
    @MethodSource("ordersAndSetups")
    void convergesAtItsOrderOnLogSnrGrids(Setup setup, int order, double minSlope) {
        double slope = fittedSlope(setup, order, new int[] {12, 24, 48, 96});
        assertTrue(slope >= minSlope, "log-log slope " + slope + " below " + minSlope);
        assertTrue(slope <= order + 1.5, "log-log slope " + slope + " is implausibly high");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void thirdOrderStepsAreAsymptoticallyThirdOrder(Setup setup) {
        // Far enough into the asymptotic range that any second-order error term would show.
        double slope = fittedSlope(setup, 3, new int[] {96, 192, 384, 768});
        assertTrue(slope >= 2.8 && slope <= 3.3, "log-log slope " + slope + " should be near 3");
    }

    @Test
    void fiftyFastThirdOrderStepsOnTheLogSnrGridAreCloseToExact() {
        DiscreteVpSchedule schedule = DiscreteVpSchedule.unidiffuser();
        TimeGrid grid = TimeGrid.logSnrUniform(schedule, 1.0, 0.001, 50);
        double error = error(new Setup("", schedule, 1.0, 0.001, PredictionType.EPSILON),
                DpmSolverSinglestep.of(schedule, grid, 3));
        assertTrue(error < 1e-4, "max error " + error);
    }

    @Test
    void referenceTimeUniformGridIsFarFromExactAsTheReferenceSays() {
        // lambda is steep near t = 0.001, so the last steps are long in lambda (spec: 1.5e-2 error).
        double error = error(new Setup("", DiscreteVpSchedule.unidiffuser(), 1.0, 0.001, PredictionType.EPSILON),
                DpmSolverSinglestep.reference());
        assertEquals(1.5e-2, error, 1e-3);
    }

    private static double fittedSlope(Setup setup, int order, int[] stepCounts) {
        SimpleRegression fit = new SimpleRegression();
        StringBuilder table = new StringBuilder();
        for (int steps : stepCounts) {
            TimeGrid grid = TimeGrid.logSnrUniform(setup.schedule(), setup.tStart(), setup.tEnd(), steps);
            double error = error(setup, DpmSolverSinglestep.withOrders(setup.schedule(), grid, plan(steps, order)));
            table.append(String.format(" %d:%.3e", steps, error));
            fit.addData(Math.log(steps), -Math.log(error));
        }
        double slope = fit.getSlope();
        assertTrue(Double.isFinite(slope), "errors" + table);
        return slope;
    }

    private static double error(Setup setup, DpmSolverSinglestep solver) {
        GaussianModel gaussian = new GaussianModel(setup.schedule(), MU, S);
        double[] out = solver.sample(gaussian.model(setup.type()), X_T, StepListener.NONE);
        double[] exact = gaussian.exactFlow(X_T, setup.tStart(), setup.tEnd());
        double max = 0;
        for (int i = 0; i < out.length; i++) {
            max = Math.max(max, Math.abs(out[i] - exact[i]));
        }
        return max;
    }

    private static double[] linspace(double a, double b, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = a + (b - a) * i / (n - 1);
        }
        return v;
    }
}
