package org.unidiff.api.engine;

import java.util.Optional;
import org.unidiff.runtime.manifest.BundleManifest;
import org.unidiff.sampling.schedule.NoiseSchedule;
import org.unidiff.sampling.solver.Solver;
import org.unidiff.sampling.solver.Solvers;
import org.unidiff.sampling.solver.TimeGrid;

/**
 * Which solver and grid a request runs on: the manifest's explicit grid ({@code schedule.grid},
 * e.g. LaVin-DiT's) exactly as written whenever the request's step count is the grid's (the
 * default), otherwise the solver's default grid for that many steps.
 */
final class SolverChoice {

    private SolverChoice() {
    }

    static Solver solver(BundleManifest manifest, NoiseSchedule schedule, ResolvedOptions o) {
        Optional<TimeGrid> grid = manifest.schedule().timeGrid();
        if (grid.isPresent() && grid.get().steps() == o.steps()) {
            return Solvers.create(o.sampler(), schedule, grid.get());
        }
        return Solvers.create(o.sampler(), schedule, o.steps());
    }
}
