package org.unidiff.sampling.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.unidiff.sampling.PredictionType;
import org.unidiff.sampling.schedule.DiscreteVpSchedule;
import org.unidiff.sampling.schedule.FlowMatchingSchedule;
import org.unidiff.sampling.testing.GaussianModel;

/** Cancellation, argument checking and the immutability of the solver between runs. */
class DpmSolverSinglestepContractTest {

    private final DiscreteVpSchedule schedule = DiscreteVpSchedule.unidiffuser();
    private final GaussianModel gaussian = new GaussianModel(schedule, 0.3, 0.5);
    private final DpmSolverSinglestep solver = DpmSolverSinglestep.reference();

    private static String messageOf(Throwable e) {
        return String.valueOf(e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 25, 48, 49})
    void listenerCancelsBeforeTheEvaluationItRefuses(int k) {
        AtomicInteger calls = new AtomicInteger();
        DenoisingModel counting = DenoisingModel.of(PredictionType.EPSILON, (x, t, out) -> {
            calls.incrementAndGet();
            gaussian.model(PredictionType.EPSILON).predict(x, t, out);
        });
        SamplingCancelledException e = assertThrows(SamplingCancelledException.class,
                () -> solver.sample(counting, new double[] {0.1, -0.2}, event -> event.evaluation() < k));
        assertEquals(k, e.evaluation());
        assertEquals(k, calls.get());
    }

    @Test
    void listenerSeesEveryEvaluationInOrder() {
        List<Integer> seen = new ArrayList<>();
        solver.sample(gaussian.model(PredictionType.EPSILON), new double[] {0.4}, event -> {
            assertEquals(50, event.totalEvaluations());
            seen.add(event.evaluation());
            return true;
        });
        assertEquals(50, seen.size());
        for (int i = 0; i < 50; i++) {
            assertEquals(i, seen.get(i));
        }
    }

    @Test
    void runsLeaveNoTraceInTheSolverOrTheInput() throws Exception {
        double[] a = {-1.0, 0.0, 1.0};
        double[] b = {2.0, -2.0, 0.5, 0.25};
        double[] aCopy = a.clone();
        double[] first = solver.sample(gaussian.model(PredictionType.EPSILON), a, StepListener.NONE);
        solver.sample(gaussian.model(PredictionType.EPSILON), b, StepListener.NONE);
        double[] again = solver.sample(gaussian.model(PredictionType.EPSILON), a, StepListener.NONE);
        assertArrayEquals(aCopy, a, 0.0);
        assertArrayEquals(first, again, 0.0);

        // The same instance from several threads at once gives the single-threaded answers.
        double[] single = solver.sample(gaussian.model(PredictionType.EPSILON), b, StepListener.NONE);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<double[]>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                double[] input = i % 2 == 0 ? a : b;
                futures.add(pool.submit(() -> solver.sample(gaussian.model(PredictionType.EPSILON), input, StepListener.NONE)));
            }
            for (int i = 0; i < futures.size(); i++) {
                assertArrayEquals(i % 2 == 0 ? first : single, futures.get(i).get(), 0.0, "run " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void rejectsBadConfiguration() {
        TimeGrid grid = TimeGrid.timeUniform(1.0, 0.001, 10);
        for (int order : new int[] {0, 4}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DpmSolverSinglestep.of(schedule, grid, order));
            assertTrue(messageOf(e).contains("order must be 1, 2 or 3, got " + order), messageOf(e));
        }
        IllegalArgumentException steps = assertThrows(IllegalArgumentException.class,
                () -> DpmSolverSinglestep.fastOrders(0, 3));
        assertTrue(messageOf(steps).contains("steps must be at least 1, got 0"), messageOf(steps));
        assertThrows(IllegalArgumentException.class, () -> TimeGrid.timeUniform(1.0, 0.001, 0));

        IllegalArgumentException sum = assertThrows(IllegalArgumentException.class,
                () -> DpmSolverSinglestep.withOrders(schedule, grid, List.of(3, 3, 3)));
        assertTrue(messageOf(sum).contains("sum to 9") && messageOf(sum).contains("10 intervals"), messageOf(sum));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> DpmSolverSinglestep.withOrders(schedule, grid, List.of(3, 3, 4)));
        assertTrue(messageOf(bad).contains("step 2 has order 4"), messageOf(bad));
        assertThrows(IllegalArgumentException.class, () -> DpmSolverSinglestep.withOrders(schedule, grid, List.of()));
        assertThrows(NullPointerException.class, () -> DpmSolverSinglestep.of(null, grid, 3));
        assertThrows(NullPointerException.class, () -> DpmSolverSinglestep.of(schedule, null, 3));

        // Flow matching has lambda = +infinity at t = 0: the grid must stop short of it.
        IllegalArgumentException flow = assertThrows(IllegalArgumentException.class,
                () -> DpmSolverSinglestep.of(new FlowMatchingSchedule(1), TimeGrid.timeUniform(0.9, 0.0, 9), 3));
        assertTrue(messageOf(flow).contains("grid time 0.0"), messageOf(flow));
    }

    @Test
    void rejectsBadRunArguments() {
        DenoisingModel model = gaussian.model(PredictionType.EPSILON);
        NullPointerException noModel = assertThrows(NullPointerException.class,
                () -> solver.sample(null, new double[] {1}, StepListener.NONE));
        assertTrue(messageOf(noModel).contains("model"), messageOf(noModel));
        assertThrows(NullPointerException.class, () -> solver.sample(model, null, StepListener.NONE));
        assertThrows(NullPointerException.class, () -> solver.sample(model, new double[] {1}, null));
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> solver.sample(model, new double[0], StepListener.NONE));
        assertTrue(messageOf(empty).contains("initialState is empty"), messageOf(empty));
    }

    @Test
    void nonFiniteModelOutputStopsTheRunWithItsPlace() {
        DenoisingModel broken = DenoisingModel.of(PredictionType.EPSILON, (x, t, out) -> {
            for (int i = 0; i < x.length; i++) {
                out[i] = t < 0.5 && i == 1 ? Double.NaN : 0.1;
            }
        });
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> solver.sample(broken, new double[] {0.1, 0.2}, StepListener.NONE));
        // The first time below 0.5 on the reference grid is point 26 (t_i = 1 - 0.01998 i; t_25 = 0.5005).
        assertTrue(messageOf(e).contains("evaluation 26") && messageOf(e).contains("index 1"), messageOf(e));
    }
}
