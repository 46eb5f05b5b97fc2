package org.unidiff.sampling.solver;

import java.util.Objects;
import org.unidiff.sampling.schedule.DiscreteVpSchedule;
import org.unidiff.sampling.schedule.NoiseSchedule;

/**
 * Builds the solver a {@link SamplerKind} names, in its default configuration:
 * <ul>
 *   <li>{@code dpm-solver}: {@link DpmSolverSinglestep} of order 3 with the "fast" order plan;</li>
 *   <li>{@code dpm-solver++}: {@link DpmSolverMultistep#of(NoiseSchedule, TimeGrid)} (order 3,
 *       midpoint, published third-order weight, lower order final);</li>
 *   <li>{@code ddim}: deterministic {@link Ddim};</li>
 *   <li>{@code euler}: {@link EulerSolver}.</li>
 * </ul>
 * The default grid ({@link #defaultGrid}) runs from the schedule's {@code tMax} to its
 * {@code tMin}: time-uniform, which with the UniDiffuser schedule is the reference grid, except
 * that {@code dpm-solver++} on a discrete schedule uses
 * {@link DpmSolverMultistep#diffusersGrid diffusers' integer timesteps}. Solvers that step in
 * log-SNR need it finite, so on a flow-matching schedule (lambda infinite at t = 0 and 1) only
 * {@code ddim} and {@code euler} accept the default grid.
 */
public final class Solvers {

    private Solvers() {
    }

    /**
     * The named solver on its default grid.
     *
     * @param kind     which solver
     * @param schedule the schedule the model was trained with
     * @param steps    number of model evaluations, at least 1
     * @throws IllegalArgumentException if steps is below 1 or the solver cannot run on the schedule's grid
     */
    public static Solver create(SamplerKind kind, NoiseSchedule schedule, int steps) {
        return create(kind, schedule, defaultGrid(kind, schedule, steps));
    }

    /**
     * The named solver on an explicit grid (one model evaluation per grid interval).
     *
     * @throws IllegalArgumentException if the solver cannot run on this grid and schedule
     */
    public static Solver create(SamplerKind kind, NoiseSchedule schedule, TimeGrid grid) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(grid, "grid");
        switch (kind) {
            case DPM_SOLVER:
                return DpmSolverSinglestep.of(schedule, grid, DpmSolverSinglestep.REFERENCE_ORDER);
            case DPM_SOLVER_PLUS_PLUS:
                return DpmSolverMultistep.of(schedule, grid);
            case DDIM:
                return Ddim.deterministic(schedule, grid);
            case EULER:
                return EulerSolver.of(schedule, grid);
            default:
                throw new AssertionError(kind);
        }
    }

    /** Parses {@code name} (see {@link SamplerKind#parse}) and builds that solver on its default grid. */
    public static Solver create(String name, NoiseSchedule schedule, int steps) {
        return create(SamplerKind.parse(name), schedule, steps);
    }

    /**
     * The grid {@link #create(SamplerKind, NoiseSchedule, int)} uses.
     *
     * @throws IllegalArgumentException if steps is below 1 (or, for {@code dpm-solver++} on a discrete
     *                                  schedule, not below its number of training steps)
     */
    public static TimeGrid defaultGrid(SamplerKind kind, NoiseSchedule schedule, int steps) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(schedule, "schedule");
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        if (kind == SamplerKind.DPM_SOLVER_PLUS_PLUS && schedule instanceof DiscreteVpSchedule) {
            return DpmSolverMultistep.diffusersGrid((DiscreteVpSchedule) schedule, steps);
        }
        return TimeGrid.timeUniform(schedule.tMax(), schedule.tMin(), steps);
    }
}
