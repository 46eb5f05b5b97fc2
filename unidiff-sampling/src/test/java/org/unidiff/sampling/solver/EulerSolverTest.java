package org.unidiff.sampling.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.unidiff.sampling.PredictionType;
import org.unidiff.sampling.schedule.DiscreteVpSchedule;
import org.unidiff.sampling.schedule.FlowMatchingSchedule;
import org.unidiff.sampling.testing.GaussianModel;

class EulerSolverTest {

    private static final FlowMatchingSchedule FLOW = new FlowMatchingSchedule(1);
    private static final DiscreteVpSchedule VP = DiscreteVpSchedule.unidiffuser();

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 1e-3})
    void velocityModelOnTheFlowPathConvergesAtOrderOne(double tEnd) {
        // Starts at t = 1 where alpha = 0: only the velocity is used, so nothing divides by alpha.
        double[] errors = ConvergenceFit.errors(FLOW, ConvergenceFit.flowVelocityModel(), 1.0, tEnd,
                n -> EulerSolver.of(FLOW, TimeGrid.timeUniform(1.0, tEnd, n)));
        double slope = ConvergenceFit.slope(errors);
        assertTrue(slope >= 0.9 && slope < 1.5, "slope " + slope);
    }

    @ParameterizedTest
    @EnumSource(PredictionType.class)
    void convertedPredictionsOnTheVpScheduleConvergeAtOrderOne(PredictionType type) {
        double[] errors = ConvergenceFit.errors(VP, type, 1.0, 0.001,
                n -> EulerSolver.of(VP, TimeGrid.logSnrUniform(VP, 1.0, 0.001, n)));
        double slope = ConvergenceFit.slope(errors);
        assertTrue(slope >= 0.9 && slope < 1.5, type + " slope " + slope);
    }

    @ParameterizedTest
    @EnumSource(PredictionType.class)
    void oneStepMovesAlongTheExactVelocity(PredictionType type) {
        // The fixture's velocity alpha' x0 + sigma' eps is computed independently of the solver's
        // conversion weights.
        GaussianModel gaussian = new GaussianModel(VP, ConvergenceFit.MU, ConvergenceFit.S);
        double s = 0.7;
        double t = 0.65;
        double[] x = {-1.0, 0.2, 1.7};
        double[] actual = EulerSolver.of(VP, TimeGrid.of(s, t)).sample(gaussian.model(type), x, StepListener.NONE);
        for (int j = 0; j < x.length; j++) {
            assertEquals(x[j] + (t - s) * gaussian.velocity(x[j], s), actual[j], 1e-12, "coordinate " + j);
        }
    }

    @Test
    void resultDoesNotDependOnThePredictionType() {
        GaussianModel gaussian = new GaussianModel(VP, ConvergenceFit.MU, ConvergenceFit.S);
        EulerSolver solver = EulerSolver.of(VP, TimeGrid.logSnrUniform(VP, 1.0, 0.001, 25));
        double[] x0 = ConvergenceFit.startState();
        double[] fromEps = solver.sample(gaussian.model(PredictionType.EPSILON), x0, StepListener.NONE);
        for (PredictionType type : new PredictionType[] {PredictionType.DATA, PredictionType.VELOCITY}) {
            assertArrayEquals(fromEps, solver.sample(gaussian.model(type), x0, StepListener.NONE), 1e-9,
                    type.name());
        }
    }

    @Test
    void handTunedGridIsFollowedPointByPoint() {
        double[] times = {1.0, 0.93, 0.8, 0.61, 0.4, 0.22, 0.1, 0.03, 0.0};
        TimeGrid grid = TimeGrid.of(times);
        double[] seen = new double[times.length - 1];
        AtomicInteger index = new AtomicInteger();
        DenoisingModel velocity = ConvergenceFit.flowVelocityModel();
        DenoisingModel recording = DenoisingModel.of(PredictionType.VELOCITY, (x, t, out) -> {
            seen[index.getAndIncrement()] = t;
            velocity.predict(x, t, out);
        });
        double[] x = {0.4};
        double[] result = EulerSolver.of(FLOW, grid).sample(recording, x, StepListener.NONE);
        double expected = 0.4;
        double[] v = new double[1];
        for (int i = 0; i + 1 < times.length; i++) {
            velocity.predict(new double[] {expected}, times[i], v);
            expected += (times[i + 1] - times[i]) * v[0];
        }
        assertArrayEquals(java.util.Arrays.copyOf(times, times.length - 1), seen, 0);
        assertEquals(expected, result[0], 1e-15);
    }

    @Test
    void cancelsBeforeEvaluationKWithExactlyKEvaluationsMade() {
        AtomicInteger calls = new AtomicInteger();
        DenoisingModel velocity = ConvergenceFit.flowVelocityModel();
        DenoisingModel counting = DenoisingModel.of(PredictionType.VELOCITY, (x, t, out) -> {
            calls.incrementAndGet();
            velocity.predict(x, t, out);
        });
        SamplingCancelledException cancelled = assertThrows(SamplingCancelledException.class,
                () -> EulerSolver.of(FLOW, TimeGrid.timeUniform(1, 0, 8)).sample(counting, new double[4],
                        event -> event.evaluation() < 5));
        assertEquals(5, cancelled.evaluation());
        assertEquals(5, calls.get());
    }

    @Test
    void epsilonModelWhereAlphaIsZeroIsRejectedWithAClearMessage() {
        GaussianModel gaussian = new GaussianModel(FLOW, ConvergenceFit.MU, ConvergenceFit.S);
        EulerSolver solver = EulerSolver.of(FLOW, TimeGrid.timeUniform(1, 0, 4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> solver.sample(gaussian.model(PredictionType.EPSILON), new double[3], StepListener.NONE));
        assertTrue(e.getMessage().contains("alpha > 0"), e.getMessage());
        assertThrows(NullPointerException.class, () -> EulerSolver.of(null, TimeGrid.timeUniform(1, 0, 4)));
    }
}
