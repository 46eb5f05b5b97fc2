package org.unidiff.sampling.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.unidiff.sampling.PredictionType;
import org.unidiff.sampling.schedule.DiscreteVpSchedule;

/** The "fast" order plans and the times at which the model is evaluated. */
class DpmSolverSinglestepPlanTest {

    /** {@code count} copies of {@code order} followed by {@code tail}. */
    private static List<Integer> plan(int order, int count, Integer... tail) {
        List<Integer> list = new ArrayList<>(Collections.nCopies(count, order));
        Collections.addAll(list, tail);
        return list;
    }

    @Test
    void thirdOrderPlanFollowsTheReferenceRemainderCases() {
        assertEquals(plan(3, 3, 1), DpmSolverSinglestep.fastOrders(10, 3));
        assertEquals(plan(3, 6, 2), DpmSolverSinglestep.fastOrders(20, 3));
        assertEquals(plan(3, 8, 1), DpmSolverSinglestep.fastOrders(25, 3));
        assertEquals(plan(3, 16, 1), DpmSolverSinglestep.fastOrders(49, 3));
        assertEquals(plan(3, 16, 2), DpmSolverSinglestep.fastOrders(50, 3));
        assertEquals(plan(3, 16, 2, 1), DpmSolverSinglestep.fastOrders(51, 3));
        assertEquals(List.of(1), DpmSolverSinglestep.fastOrders(1, 3));
        assertEquals(List.of(2), DpmSolverSinglestep.fastOrders(2, 3));
        assertEquals(List.of(2, 1), DpmSolverSinglestep.fastOrders(3, 3));
        assertEquals(List.of(3, 1), DpmSolverSinglestep.fastOrders(4, 3));
    }

    @Test
    void secondAndFirstOrderPlans() {
        assertEquals(plan(2, 5), DpmSolverSinglestep.fastOrders(10, 2));
        assertEquals(plan(2, 12, 1), DpmSolverSinglestep.fastOrders(25, 2));
        assertEquals(plan(2, 25), DpmSolverSinglestep.fastOrders(50, 2));
        assertEquals(List.of(1), DpmSolverSinglestep.fastOrders(1, 2));
        assertEquals(plan(1, 49), DpmSolverSinglestep.fastOrders(49, 1));
    }

    @Test
    void everyPlanCoversTheGridAndLowersTheOrderOnlyAtTheCleanEnd() {
        for (int order = 1; order <= 3; order++) {
            for (int steps = 1; steps <= 120; steps++) {
                List<Integer> orders = DpmSolverSinglestep.fastOrders(steps, order);
                String where = steps + " steps, order " + order + ": " + orders;
                assertEquals(steps, orders.stream().mapToInt(Integer::intValue).sum(), where);
                int lowerOrderIntervals = 0;
                for (int i = 0; i < orders.size(); i++) {
                    int o = orders.get(i);
                    assertTrue(o >= 1 && o <= order, where);
                    assertTrue(i == 0 || o <= orders.get(i - 1), "orders never rise, " + where);
                    if (o < order) {
                        lowerOrderIntervals += o;
                    }
                }
                // Order 3 with steps % 3 == 0 ends on [2, 1] (3 intervals); otherwise fewer than `order`.
                assertTrue(lowerOrderIntervals <= 3 && (lowerOrderIntervals < order || order == 3), where);
            }
        }
    }

    @Test
    void planIsUnmodifiable() {
        List<Integer> orders = DpmSolverSinglestep.fastOrders(10, 3);
        assertThrows(UnsupportedOperationException.class, () -> orders.set(0, 1));
    }

    @Test
    void referenceSolverEvaluatesAtTheTimeUniformGridPoints() {
        DpmSolverSinglestep solver = DpmSolverSinglestep.reference();
        assertEquals(50, solver.evaluations());
        assertEquals(plan(3, 16, 2), solver.orders());
        assertEquals(50, solver.grid().steps());
        assertEquals("dpm-solver-3 singlestep, 50 steps", solver.describe());

        List<Double> modelTimes = new ArrayList<>();
        List<StepEvent> events = new ArrayList<>();
        DenoisingModel recorder = DenoisingModel.of(PredictionType.EPSILON, (x, t, out) -> {
            modelTimes.add(t);
        });
        solver.sample(recorder, new double[] {0.5, -0.5}, event -> events.add(event));

        DiscreteVpSchedule schedule = DiscreteVpSchedule.unidiffuser();
        assertEquals(50, modelTimes.size());
        assertEquals(50, events.size());
        for (int i = 0; i < 50; i++) {
            double expected = 1.0 + (0.001 - 1.0) * i / 50;
            assertEquals(expected, modelTimes.get(i), 1e-12, "evaluation " + i);
            assertEquals(new StepEvent(i, 50, modelTimes.get(i)), events.get(i));
        }
        assertEquals(1000.0, schedule.networkTime(modelTimes.get(0)), 1e-9);
        assertEquals(980.02, schedule.networkTime(modelTimes.get(1)), 1e-9);
        assertEquals(960.04, schedule.networkTime(modelTimes.get(2)), 1e-9);
        assertEquals(20.98, schedule.networkTime(modelTimes.get(49)), 1e-9);
    }

    @Test
    void logSnrSolverEvaluatesAtItsGridPoints() {
        DiscreteVpSchedule schedule = DiscreteVpSchedule.unidiffuser();
        TimeGrid grid = TimeGrid.logSnrUniform(schedule, 1.0, 0.001, 20);
        List<Double> modelTimes = new ArrayList<>();
        DenoisingModel recorder = DenoisingModel.of(PredictionType.DATA, (x, t, out) -> modelTimes.add(t));
        DpmSolverSinglestep solver = DpmSolverSinglestep.logSnrUniform(schedule, 20, 2);
        assertEquals(grid.toString(), solver.grid().toString());
        solver.sample(recorder, new double[] {1.0}, StepListener.NONE);

        assertEquals(20, modelTimes.size());
        double step = (schedule.lambda(0.001) - schedule.lambda(1.0)) / 20;
        for (int i = 0; i < 20; i++) {
            assertEquals(grid.time(i), modelTimes.get(i), 0.0);
            assertEquals(schedule.lambda(1.0) + i * step, schedule.lambda(modelTimes.get(i)), 1e-9);
        }
    }
}
