package org.unidiff.sampling.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.unidiff.sampling.PredictionType;
import org.unidiff.sampling.schedule.DiscreteVpSchedule;
import org.unidiff.sampling.schedule.FlowMatchingSchedule;
import org.unidiff.sampling.solver.DpmSolverMultistep.SecondOrderRule;
import org.unidiff.sampling.solver.DpmSolverMultistep.ThirdOrderRule;
import org.unidiff.sampling.testing.GaussianModel;

class DdimTest {

    private static final DiscreteVpSchedule VP = DiscreteVpSchedule.unidiffuser();
    private static final GaussianModel GAUSSIAN = new GaussianModel(VP, ConvergenceFit.MU, ConvergenceFit.S);

    private static TimeGrid logSnr(int steps) {
        return TimeGrid.logSnrUniform(VP, 1.0, 0.001, steps);
    }

    @Test
    void deterministicDdimConvergesAtOrderOne() {
        double[] errors = ConvergenceFit.errors(VP, PredictionType.EPSILON, 1.0, 0.001,
                n -> Ddim.deterministic(VP, logSnr(n)));
        double slope = ConvergenceFit.slope(errors);
        assertTrue(slope >= 0.9 && slope < 1.5, "slope " + slope);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void deterministicDdimIsDpmSolverOfOrderOne(boolean logSnrGrid) {
        TimeGrid grid = logSnrGrid ? logSnr(20) : TimeGrid.timeUniform(1.0, 0.001, 20);
        DenoisingModel model = GAUSSIAN.model(PredictionType.EPSILON);
        double[] x0 = ConvergenceFit.startState();
        double[] ddim = Ddim.deterministic(VP, grid).sample(model, x0, StepListener.NONE);
        double[] multistep = DpmSolverMultistep.of(VP, grid, 1, SecondOrderRule.MIDPOINT, ThirdOrderRule.TAYLOR,
                false).sample(model, x0, StepListener.NONE);
        double[] singlestep = DpmSolverSinglestep.of(VP, grid, 1).sample(model, x0, StepListener.NONE);
        assertArrayEquals(multistep, ddim, 1e-12);
        assertArrayEquals(singlestep, ddim, 1e-12);
    }

    /**
     * One step checked against DDIM's own formula in alphas_cumprod (abar = alpha^2):
     * {@code sigma_eta = eta sqrt((1 - abar_t) / (1 - abar_s)) sqrt(1 - abar_s / abar_t)},
     * {@code x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t - sigma_eta^2) eps + sigma_eta z}.
     */
    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.3, 1.0})
    void oneStepMatchesTheDdimPaperFormulaAndUsesTheInjectedNoise(double eta) {
        double s = 0.6;
        double t = 0.3;
        double[] x = {-1.2, 0.1, 0.9};
        double[] z = {0.5, -1.5, 2.0};
        AtomicInteger fills = new AtomicInteger();
        GaussianFill noise = target -> {
            fills.incrementAndGet();
            System.arraycopy(z, 0, target, 0, target.length);
        };
        double[] actual = Ddim.of(VP, TimeGrid.of(s, t), eta, noise)
                .sample(GAUSSIAN.model(PredictionType.EPSILON), x, StepListener.NONE);
        double abarS = VP.alpha(s) * VP.alpha(s);
        double abarT = VP.alpha(t) * VP.alpha(t);
        double sigmaEta = eta * Math.sqrt((1 - abarT) / (1 - abarS)) * Math.sqrt(1 - abarS / abarT);
        for (int j = 0; j < x.length; j++) {
            double expected = Math.sqrt(abarT) * GAUSSIAN.data(x[j], s)
                    + Math.sqrt(1 - abarT - sigmaEta * sigmaEta) * GAUSSIAN.epsilon(x[j], s) + sigmaEta * z[j];
            assertEquals(expected, actual[j], 1e-12, "coordinate " + j);
        }
        assertEquals(eta > 0 ? 1 : 0, fills.get(), "noise drawn once per step only when eta > 0");
    }

    @Test
    void stochasticRunDependsOnItsNoiseAndIsReproducibleWithTheSameNoise() {
        DenoisingModel model = GAUSSIAN.model(PredictionType.EPSILON);
        double[] x0 = ConvergenceFit.startState();
        Ddim ddim = Ddim.of(VP, logSnr(10), 1.0, seeded(1));
        double[] first = ddim.sample(model, x0, StepListener.NONE);
        double[] again = ddim.withNoise(seeded(1)).sample(model, x0, StepListener.NONE);
        double[] other = ddim.withNoise(seeded(2)).sample(model, x0, StepListener.NONE);
        double[] deterministic = Ddim.deterministic(VP, logSnr(10)).sample(model, x0, StepListener.NONE);
        assertArrayEquals(first, again, 0);
        assertTrue(ConvergenceFit.maxError(first, other) > 1e-3, "different noise, different result");
        assertTrue(ConvergenceFit.maxError(first, deterministic) > 1e-3, "eta = 1 is not the ODE");
    }

    /** A seeded N(0, 1) fill, reproducible from its seed. */
    private static GaussianFill seeded(long seed) {
        java.util.Random random = new java.util.Random(seed);
        return target -> {
            for (int i = 0; i < target.length; i++) {
                target[i] = random.nextGaussian();
            }
        };
    }

    @Test
    void onTheFlowPathDeterministicDdimIsEulerOnTheVelocity() {
        // x_t = (1 - t) x0 + t eps is linear in t for fixed predictions, so both maps coincide,
        // and DDIM may start at t = 1 (alpha = 0) and end at t = 0 (sigma = 0).
        FlowMatchingSchedule flow = new FlowMatchingSchedule(1);
        TimeGrid grid = TimeGrid.timeUniform(1.0, 0.0, 16);
        double[] x0 = ConvergenceFit.startState();
        DenoisingModel model = ConvergenceFit.flowVelocityModel();
        double[] ddim = Ddim.deterministic(flow, grid).sample(model, x0, StepListener.NONE);
        double[] euler = EulerSolver.of(flow, grid).sample(model, x0, StepListener.NONE);
        assertArrayEquals(euler, ddim, 1e-12);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.5})
    void resultDoesNotDependOnThePredictionType(double eta) {
        double[] x0 = ConvergenceFit.startState();
        Ddim ddim = Ddim.of(VP, logSnr(15), eta, seeded(7));
        double[] fromEps = ddim.withNoise(seeded(7)).sample(GAUSSIAN.model(PredictionType.EPSILON), x0,
                StepListener.NONE);
        for (PredictionType type : new PredictionType[] {PredictionType.DATA, PredictionType.VELOCITY}) {
            double[] other = ddim.withNoise(seeded(7)).sample(GAUSSIAN.model(type), x0, StepListener.NONE);
            assertArrayEquals(fromEps, other, 1e-9, type.name());
        }
    }

    @Test
    void cancelsBeforeEvaluationKWithExactlyKEvaluationsMade() {
        AtomicInteger calls = new AtomicInteger();
        DenoisingModel eps = GAUSSIAN.model(PredictionType.EPSILON);
        DenoisingModel counting = DenoisingModel.of(PredictionType.EPSILON, (x, t, out) -> {
            calls.incrementAndGet();
            eps.predict(x, t, out);
        });
        SamplingCancelledException cancelled = assertThrows(SamplingCancelledException.class,
                () -> Ddim.deterministic(VP, logSnr(10)).sample(counting, ConvergenceFit.startState(),
                        event -> event.evaluation() < 3));
        assertEquals(3, cancelled.evaluation());
        assertEquals(3, calls.get());
    }

    @Test
    void badArgumentsAreRejectedWithClearMessages() {
        for (double eta : new double[] {-0.1, 1.5, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Ddim.of(VP, logSnr(5), eta, seeded(1)));
            assertTrue(e.getMessage().contains("[0, 1]"), e.getMessage());
        }
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> Ddim.of(VP, logSnr(5), 0.5, null));
        assertTrue(missing.getMessage().contains("noise source"), missing.getMessage());
        Ddim ddim = Ddim.deterministic(VP, logSnr(5));
        assertThrows(NullPointerException.class, () -> ddim.sample(null, new double[2], StepListener.NONE));
        assertThrows(NullPointerException.class, () -> Ddim.deterministic(VP, null));
    }
}
