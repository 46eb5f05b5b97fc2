package org.unidiff.sampling.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.unidiff.sampling.PredictionType;
import org.unidiff.sampling.testing.GaussianModel;

/**
 * Conversions between noise, data and velocity predictions, checked on the exact predictions of
 * the Gaussian fixture for both schedules.
 */
class PredictionConversionTest {

    private static final double MU = 0.3;
    private static final double S = 0.5;
    private static final double[] X = {-2.1, -0.4, 0.0, 0.35, 1.7};

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("unidiffuser", DiscreteVpSchedule.unidiffuser(), new double[] {0.001, 0.0375, 0.4015, 0.9995}),
                Arguments.of("flow", new FlowMatchingSchedule(1), new double[] {0.01, 0.3, 0.5, 0.97}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyTypeConvertsToTheOthers(String name, NoiseSchedule schedule, double[] times) {
        GaussianModel model = new GaussianModel(schedule, MU, S);
        int n = X.length;
        for (double t : times) {
            double[] eps = new double[n];
            double[] data = new double[n];
            double[] vel = new double[n];
            for (int i = 0; i < n; i++) {
                eps[i] = model.epsilon(X[i], t);
                data[i] = model.data(X[i], t);
                vel[i] = model.velocity(X[i], t);
                // The fixture is self-consistent: x = alpha x0 + sigma eps.
                assertEquals(X[i], schedule.alpha(t) * data[i] + schedule.sigma(t) * eps[i], 1e-12);
            }
            assertConverts(PredictionType.EPSILON, schedule, t, eps, data, eps);
            assertConverts(PredictionType.DATA, schedule, t, data, data, eps);
            assertConverts(PredictionType.VELOCITY, schedule, t, vel, data, eps);
        }
    }

    @Test
    void flowVelocityIsNoiseMinusData() {
        NoiseSchedule flow = new FlowMatchingSchedule(1);
        GaussianModel model = new GaussianModel(flow, MU, S);
        for (double t : new double[] {0.1, 0.6}) {
            for (double x : X) {
                assertEquals(model.epsilon(x, t) - model.data(x, t), model.velocity(x, t), 1e-12);
            }
        }
    }

    @Test
    void parsesManifestNames() {
        assertEquals(PredictionType.EPSILON, PredictionType.fromManifestName("epsilon"));
        assertEquals(PredictionType.DATA, PredictionType.fromManifestName("data"));
        assertEquals(PredictionType.DATA, PredictionType.fromManifestName("sample"));
        assertEquals(PredictionType.VELOCITY, PredictionType.fromManifestName("velocity"));
        assertThrows(IllegalArgumentException.class, () -> PredictionType.fromManifestName("v_prediction"));
    }

    /** Converts {@code prediction} of {@code type} to data and to noise, into fresh arrays and in place. */
    private static void assertConverts(PredictionType type, NoiseSchedule schedule, double t, double[] prediction,
            double[] expectedData, double[] expectedEps) {
        int n = prediction.length;
        double[] data = new double[n];
        double[] eps = new double[n];
        type.toData(schedule, t, X, prediction, data, n);
        type.toEpsilon(schedule, t, X, prediction, eps, n);
        double[] dataInPlace = prediction.clone();
        type.toData(schedule, t, X, dataInPlace, dataInPlace, n);
        double[] epsInPlace = prediction.clone();
        type.toEpsilon(schedule, t, X, epsInPlace, epsInPlace, n);
        for (int i = 0; i < n; i++) {
            String where = type + " at t = " + t + ", x = " + X[i];
            assertEquals(expectedData[i], data[i], 1e-10 * Math.max(1, Math.abs(expectedData[i])), where);
            assertEquals(expectedEps[i], eps[i], 1e-10 * Math.max(1, Math.abs(expectedEps[i])), where);
            assertEquals(data[i], dataInPlace[i], 0.0, where);
            assertEquals(eps[i], epsInPlace[i], 0.0, where);
        }
    }
}
