package org.unidiff.sampling.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.unidiff.sampling.PredictionType;
import org.unidiff.sampling.noise.SeededNoiseSource;
import org.unidiff.sampling.schedule.DiscreteVpSchedule;
import org.unidiff.sampling.solver.DpmSolverSinglestep;
import org.unidiff.sampling.solver.Solver;
import org.unidiff.sampling.solver.StepListener;
import org.unidiff.sampling.solver.TimeGrid;
import org.unidiff.sampling.testing.GaussianModel;

/**
 * GuidedJointModel inside a real solver. The fake transformer predicts the exact noise of
 * Gaussian data element by element from the timestep it is fed, so the guided model must
 * reproduce, value for value, the solver run on the flat analytic model: a wrong timestep, a
 * wrong row or a value written to or read from the wrong place shows as a difference. (The
 * documented order of the layout itself is checked in GuidedJointModelTest.)
 */
class GuidedJointModelSolverTest {

    private static final DiscreteVpSchedule SCHEDULE = DiscreteVpSchedule.unidiffuser();
    private static final GaussianModel DATA = new GaussianModel(SCHEDULE, 0.4, 0.7);
    private static final JointShape SHAPE = new JointShape(2, 3, 3, 4, 5, 2, 1);

    /** Exact epsilon per element at the stream's own network timestep; counts its calls. */
    private static final class GaussianPredictor implements JointPredictor {
        int calls;
        int rows;

        @Override
        public PredictionType predictionType() {
            return PredictionType.EPSILON;
        }

        @Override
        public void predict(JointBatch in, JointOutputs out) {
            calls++;
            rows = in.rows();
            JointShape shape = in.shape();
            for (int r = 0; r < in.rows(); r++) {
                for (int g = 0; g < shape.groupSize(); g++) {
                    for (Part part : Part.values()) {
                        double t = in.time(part.stream(), r, g) / SCHEDULE.networkTime(1.0);
                        int at = in.offset(part, r, g);
                        for (int i = 0; i < part.size(shape); i++) {
                            out.buffer(part).put(at + i, (float) DATA.epsilon(in.buffer(part).get(at + i), t));
                        }
                    }
                }
            }
        }
    }

    static java.util.stream.Stream<Arguments> plans() {
        JointShape group = SHAPE.withGroupSize(3);
        TaskPlan groupPlan = TaskPlan.group(List.of(PlanSlot.generate(true), PlanSlot.renoisedReference(false),
                PlanSlot.generate(false)), UnconditionalText.NOISE);
        GivenValues groupGiven = GivenValues.builder(group).text(0, new double[10])
                .stream(1, Stream.IMAGE, new double[22]).build();
        return java.util.stream.Stream.of(
                Arguments.of(TaskPlan.joint(), SHAPE, GivenValues.none(SHAPE)),
                Arguments.of(groupPlan, group, groupGiven));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plans")
    void matchesTheSolverOnTheFlatModel(TaskPlan plan, JointShape shape, GivenValues given) {
        Solver solver = DpmSolverSinglestep.of(SCHEDULE, TimeGrid.logSnrUniform(SCHEDULE, 1.0, 1e-3, 24), 3);
        GaussianPredictor predictor = new GaussianPredictor();
        GuidedJointModel model = GuidedJointModel.builder(plan, shape, SCHEDULE, predictor)
                .guidanceScale(7).givens(given).noise(SeededNoiseSource.streams(11, 2)).build();
        double[] x0 = model.initialState();
        double[] guided = solver.sample(model, x0, StepListener.NONE);
        double[] flat = solver.sample(DATA.model(PredictionType.EPSILON), x0, StepListener.NONE);
        double[] exact = DATA.exactFlow(x0, 1.0, 1e-3);
        assertEquals(solver.evaluations(), predictor.calls, "one transformer call per evaluation");
        assertEquals(2 * plan.passCount(), predictor.rows);
        double maxToFlat = 0;
        double maxToExact = 0;
        for (int i = 0; i < x0.length; i++) {
            maxToFlat = Math.max(maxToFlat, Math.abs(guided[i] - flat[i]));
            maxToExact = Math.max(maxToExact, Math.abs(guided[i] - exact[i]));
        }
        // The transformer sees float32 inputs: agreement to float rounding (measured 1.5e-7), not bit for
        // bit; the 24-step solver itself is 5.8e-5 from the exact flow.
        assertEquals(0, maxToFlat, 1e-6, "guided model vs flat model under the same solver");
        assertEquals(0, maxToExact, 2e-4, "guided model vs the exact probability-flow solution");
    }
}
