package org.unidiff.sampling.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.unidiff.sampling.PredictionType;
import org.unidiff.sampling.schedule.DiscreteVpSchedule;
import org.unidiff.sampling.schedule.FlowMatchingSchedule;
import org.unidiff.sampling.testing.GaussianModel;

class SolversTest {

    private static final DiscreteVpSchedule VP = DiscreteVpSchedule.unidiffuser();

    @Test
    void parsesEveryNameIgnoringCaseAndBlanks() {
        assertEquals(SamplerKind.DPM_SOLVER, SamplerKind.parse("dpm-solver"));
        assertEquals(SamplerKind.DPM_SOLVER_PLUS_PLUS, SamplerKind.parse(" DPM-Solver++ "));
        assertEquals(SamplerKind.DDIM, SamplerKind.parse("ddim"));
        assertEquals(SamplerKind.EULER, SamplerKind.parse("Euler"));
        for (SamplerKind kind : SamplerKind.values()) {
            assertEquals(kind, SamplerKind.parse(kind.id()));
        }
    }

    @Test
    void unknownNameErrorListsTheValidNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SamplerKind.parse("dpmpp_2m"));
        assertEquals("unknown sampler 'dpmpp_2m', expected one of: dpm-solver, dpm-solver++, ddim, euler",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SamplerKind.parse("dpm-solver+"));
        assertThrows(NullPointerException.class, () -> SamplerKind.parse(null));
    }

    @ParameterizedTest
    @EnumSource(SamplerKind.class)
    void createsTheNamedSolverWithOneEvaluationPerStep(SamplerKind kind) {
        Solver solver = Solvers.create(kind.id(), VP, 25);
        Class<?> expected = switch (kind) {
            case DPM_SOLVER -> DpmSolverSinglestep.class;
            case DPM_SOLVER_PLUS_PLUS -> DpmSolverMultistep.class;
            case DDIM -> Ddim.class;
            case EULER -> EulerSolver.class;
        };
        assertInstanceOf(expected, solver);
        assertEquals(25, solver.evaluations());
        assertEquals(25, solver.grid().steps());
        assertEquals(1.0, solver.grid().time(0), 0);
        assertEquals(VP.tMin(), solver.grid().time(25), 0);
    }

    @Test
    void dpmSolverDefaultIsTheReferenceSampler() {
        // First and last x_end of the time-uniform, 50-step run in solver-check.json.
        GaussianModel gaussian = new GaussianModel(VP, ConvergenceFit.MU, ConvergenceFit.S);
        double[] x0 = ConvergenceFit.startState();
        double[] result = Solvers.create(SamplerKind.DPM_SOLVER, VP, 50)
                .sample(gaussian.model(PredictionType.EPSILON), x0, StepListener.NONE);
        assertEquals(-0.7286406786609229, result[0], 1e-10);
        assertEquals(1.307535713439713, result[15], 1e-10);
        double[] reference = DpmSolverSinglestep.reference()
                .sample(gaussian.model(PredictionType.EPSILON), x0, StepListener.NONE);
        assertArrayEquals(reference, result, 0);
    }

    @Test
    void dpmSolverPlusPlusDefaultUsesDiffusersTimestepsAndItsConfiguration() {
        DpmSolverMultistep solver = (DpmSolverMultistep) Solvers.create(SamplerKind.DPM_SOLVER_PLUS_PLUS, VP, 50);
        assertArrayEquals(DpmSolverMultistep.diffusersGrid(VP, 50).times(), solver.grid().times(), 0);
        assertEquals(3, solver.order());
        assertEquals(DpmSolverMultistep.ThirdOrderRule.DIFFUSERS, solver.thirdOrderRule());
        assertThrows(IllegalArgumentException.class, () -> Solvers.create(SamplerKind.DPM_SOLVER_PLUS_PLUS, VP, 1000));
    }

    @Test
    void flowMatchingDefaultsWorkForEulerAndDdimAndAreRefusedInLogSnr() {
        FlowMatchingSchedule flow = new FlowMatchingSchedule(1000);
        Solver euler = Solvers.create(SamplerKind.EULER, flow, 19);
        assertEquals(1.0, euler.grid().time(0), 0);
        assertEquals(0.0, euler.grid().time(19), 0);
        double[] x0 = ConvergenceFit.startState();
        double[] fromEuler = euler.sample(ConvergenceFit.flowVelocityModel(), x0, StepListener.NONE);
        double[] fromDdim = Solvers.create(SamplerKind.DDIM, flow, 19)
                .sample(ConvergenceFit.flowVelocityModel(), x0, StepListener.NONE);
        assertArrayEquals(fromEuler, fromDdim, 1e-12);
        for (SamplerKind kind : new SamplerKind[] {SamplerKind.DPM_SOLVER, SamplerKind.DPM_SOLVER_PLUS_PLUS}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Solvers.create(kind, flow, 19));
            assertTrue(e.getMessage().contains("lambda"), e.getMessage());
        }
    }

    @Test
    void explicitGridIsUsedAsGiven() {
        TimeGrid grid = TimeGrid.of(0.9, 0.5, 0.2, 0.05);
        for (SamplerKind kind : SamplerKind.values()) {
            assertArrayEquals(grid.times(), Solvers.create(kind, VP, grid).grid().times(), 0, kind.id());
        }
        assertThrows(IllegalArgumentException.class, () -> Solvers.create(SamplerKind.EULER, VP, 0));
        assertThrows(NullPointerException.class, () -> Solvers.create((SamplerKind) null, VP, grid));
    }
}
