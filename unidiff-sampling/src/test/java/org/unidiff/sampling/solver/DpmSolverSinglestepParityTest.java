package org.unidiff.sampling.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.unidiff.sampling.PredictionType;
import org.unidiff.sampling.schedule.DiscreteVpSchedule;
import org.unidiff.sampling.testing.GaussianModel;

/**
 * Parity with the original UniDiffuser sampler: the four runs of {@code solver-check.json}
 * (reference time-uniform grid and logSNR-uniform grid, 20 and 50 steps, order 3, "fast" plan).
 */
class DpmSolverSinglestepParityTest {

    private static final double TOLERANCE = 1e-6;

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Check(double mu, double s, @JsonProperty("x_T") double[] xT,
                 @JsonProperty("t_start") double tStart, @JsonProperty("t_end") double tEnd, List<Run> runs) {
    }

    record Run(String grid, int steps, @JsonProperty("x_end") double[] xEnd) {
    }

    static Check check() throws IOException {
        try (InputStream in = DpmSolverSinglestepParityTest.class.getResourceAsStream("/solver-check.json")) {
            assertTrue(in != null, "solver-check.json must be on the test class path");
            return new ObjectMapper().readValue(in, Check.class);
        }
    }

    static Stream<Arguments> runs() throws IOException {
        Check check = check();
        return check.runs().stream().map(run -> Arguments.of(run.grid(), run.steps(), run));
    }

    @ParameterizedTest(name = "{0}, {1} steps")
    @MethodSource("runs")
    void reproducesTheOriginalSampler(String gridName, int steps, Run run) throws IOException {
        Check check = check();
        DiscreteVpSchedule schedule = DiscreteVpSchedule.unidiffuser();
        TimeGrid grid;
        switch (gridName) {
            case "time_uniform":
                grid = TimeGrid.timeUniform(check.tStart(), check.tEnd(), steps);
                break;
            case "logSNR":
                grid = TimeGrid.logSnrUniform(schedule, check.tStart(), check.tEnd(), steps);
                break;
            default:
                throw new AssertionError("unknown grid in solver-check.json: " + gridName);
        }
        DpmSolverSinglestep solver = DpmSolverSinglestep.of(schedule, grid, 3);
        GaussianModel gaussian = new GaussianModel(schedule, check.mu(), check.s());

        double[] out = solver.sample(gaussian.model(PredictionType.EPSILON), check.xT(), StepListener.NONE);

        assertEquals(run.xEnd().length, out.length);
        for (int i = 0; i < out.length; i++) {
            assertEquals(run.xEnd()[i], out[i], TOLERANCE, "component " + i);
        }
    }
}
