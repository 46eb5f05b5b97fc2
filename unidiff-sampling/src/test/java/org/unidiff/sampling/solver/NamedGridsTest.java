package org.unidiff.sampling.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.unidiff.sampling.schedule.FlowMatchingSchedule;

/** LaVin-DiT's grid by name, in this library's convention, and Euler on it against the exact Gaussian flow. */
class NamedGridsTest {

    private static final FlowMatchingSchedule FLOW = new FlowMatchingSchedule(1);

    @Test
    void lavinGridIsThePublishedOneReversed() {
        double[] t = NamedGrids.named("LaVin-DiT-20").orElseThrow().times();
        assertEquals(20, t.length);
        assertEquals(1.0, t[0]);
        assertEquals(0.0, t[19]);
        for (int i = 0; i < 20; i++) {
            assertEquals(1 - NamedGrids.LAVIN_DIT_20_PUBLISHED[i], t[i], 0.0, "point " + i);
        }
        assertEquals(1 - 0.81, t[18], 1e-15, "the last step is the big one, 0.19 -> 0");
        assertTrue(NamedGrids.named("lavin-dit-21").isEmpty());
    }

    /** Each interval of the grid cut into {@code parts}: the same grid, refined. */
    private static TimeGrid refined(int parts) {
        double[] base = NamedGrids.named(NamedGrids.LAVIN_DIT_20).orElseThrow().times();
        double[] out = new double[(base.length - 1) * parts + 1];
        for (int i = 0; i < base.length - 1; i++) {
            for (int p = 0; p < parts; p++) {
                out[i * parts + p] = base[i] + (base[i + 1] - base[i]) * p / parts;
            }
        }
        out[out.length - 1] = base[base.length - 1];
        return TimeGrid.of(out);
    }

    @Test
    void eulerOnTheLavinGridFollowsTheExactGaussianFlowAtOrderOne() {
        // ConvergenceFit doubles the step count 12 -> 96; here each doubling halves every interval of the grid.
        double[] errors = ConvergenceFit.errors(FLOW, ConvergenceFit.flowVelocityModel(), 1.0, 0.0,
                n -> EulerSolver.of(FLOW, refined(n / ConvergenceFit.STEPS[0])));
        double slope = ConvergenceFit.slope(errors);
        assertTrue(slope >= 0.9 && slope < 1.3, "order " + slope + ", errors " + java.util.Arrays.toString(errors));
        for (int k = 1; k < errors.length; k++) {
            assertTrue(errors[k] < errors[k - 1], "refining the grid lowers the error: " + java.util.Arrays.toString(errors));
        }
    }

    @Test
    void theGridReachesTheSolverUnchanged() {
        TimeGrid grid = NamedGrids.named(NamedGrids.LAVIN_DIT_20).orElseThrow();
        Solver euler = Solvers.create(SamplerKind.EULER, FLOW, grid);
        assertArrayEquals(grid.times(), ((EulerSolver) euler).grid().times(), 0.0);
        assertEquals(19, euler.evaluations());
    }
}
