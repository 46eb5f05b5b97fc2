package org.unidiff.sampling.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.unidiff.sampling.PredictionType;
import org.unidiff.sampling.schedule.DiscreteVpSchedule;
import org.unidiff.sampling.schedule.FlowMatchingSchedule;
import org.unidiff.sampling.testing.GaussianModel;

/** DDIM inversion against the exact Gaussian flow and against the forward DDIM it inverts. */
class DdimInversionTest {

    private static final DiscreteVpSchedule VP = DiscreteVpSchedule.unidiffuser();
    private static final GaussianModel GAUSSIAN = new GaussianModel(VP, ConvergenceFit.MU, ConvergenceFit.S);
    private static final double T_MAX = 1.0;
    private static final double T_MIN = 0.001;

    private static TimeGrid grid(int steps) {
        return TimeGrid.timeUniform(T_MAX, T_MIN, steps);
    }

    private static double roundTripError(int steps, int refinements, PredictionType type) {
        DenoisingModel model = GAUSSIAN.model(type);
        double[] clean = ConvergenceFit.startState();
        double[] noise = DdimInversion.of(VP, grid(steps), refinements).invert(model, clean, StepListener.NONE);
        double[] back = Ddim.deterministic(VP, grid(steps)).sample(model, noise, StepListener.NONE);
        return ConvergenceFit.maxError(clean, back);
    }

    @Test
    void refinedInversionIsTheExactReverseOfForwardDdim() {
        for (PredictionType type : PredictionType.values()) {
            double error = roundTripError(20, 8, type);
            // The first step from t = 0.001 is long in log-SNR, where the fixed point contracts slowest.
            assertTrue(error < 1e-6, type + ": invert then generate is off by " + error);
        }
    }

    @Test
    void refinementsShrinkTheRoundTripErrorAndPlainInversionIsOnlyApproximate() {
        double plain = roundTripError(10, 0, PredictionType.EPSILON);
        double one = roundTripError(10, 1, PredictionType.EPSILON);
        double three = roundTripError(10, 3, PredictionType.EPSILON);
        assertTrue(plain > 1e-4, "plain inversion with 10 steps should not be exact, error " + plain);
        assertTrue(one < plain / 3, "one refinement: " + one + " vs plain " + plain);
        assertTrue(three < one / 3, "three refinements: " + three + " vs one " + one);
    }

    @Test
    void inversionConvergesToTheExactFlowAtOrderOne() {
        double[] clean = ConvergenceFit.startState();
        double[] exact = GAUSSIAN.exactFlow(clean, T_MIN, T_MAX);
        double[] errors = new double[ConvergenceFit.STEPS.length];
        for (int k = 0; k < errors.length; k++) {
            double[] noise = DdimInversion.of(VP, grid(ConvergenceFit.STEPS[k]), 0)
                    .invert(GAUSSIAN.model(PredictionType.EPSILON), clean, StepListener.NONE);
            errors[k] = ConvergenceFit.maxError(exact, noise);
        }
        double slope = ConvergenceFit.slope(errors);
        assertTrue(slope >= 0.85 && slope < 1.5, "slope " + slope + " over errors " + java.util.Arrays.toString(errors));
        assertTrue(errors[errors.length - 1] < 0.15, "96 steps still off by " + errors[errors.length - 1]);
    }

    @Test
    void countsEvaluationsAndCanBeCancelled() {
        DdimInversion inversion = DdimInversion.of(VP, grid(5), 2);
        assertEquals(15, inversion.evaluations());
        AtomicInteger seen = new AtomicInteger();
        inversion.invert(GAUSSIAN.model(PredictionType.EPSILON), ConvergenceFit.startState(), e -> {
            assertEquals(seen.getAndIncrement(), e.evaluation());
            assertEquals(15, e.totalEvaluations());
            return true;
        });
        assertEquals(15, seen.get());
        SamplingCancelledException cancelled = assertThrows(SamplingCancelledException.class,
                () -> inversion.invert(GAUSSIAN.model(PredictionType.EPSILON), ConvergenceFit.startState(),
                        e -> e.evaluation() < 4));
        assertEquals(4, cancelled.evaluation());
    }

    @Test
    void refusesBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> DdimInversion.of(VP, grid(5), -1));
        assertThrows(IllegalArgumentException.class, () -> DdimInversion.of(VP, grid(5), 11));
        FlowMatchingSchedule flow = new FlowMatchingSchedule(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DdimInversion.of(flow, TimeGrid.timeUniform(1.0, 0.0, 4), 0));
        assertTrue(e.getMessage().contains("sigma > 0"), e.getMessage());
    }
}
