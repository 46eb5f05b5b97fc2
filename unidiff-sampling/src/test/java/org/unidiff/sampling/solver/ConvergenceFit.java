package org.unidiff.sampling.solver;

import java.util.function.IntFunction;
import org.unidiff.sampling.PredictionType;
import org.unidiff.sampling.schedule.NoiseSchedule;
import org.unidiff.sampling.testing.GaussianModel;

/**
 * Test support: measures how a solver's error against the exact Gaussian probability flow
 * falls with the number of steps, as the least-squares slope of log(error) against log(steps).
 */
final class ConvergenceFit {

    /** The step counts of every convergence test. */
    static final int[] STEPS = {12, 24, 48, 96};

    /** Data N(mu, s^2), the values of the reference check. */
    static final double MU = 0.3;
    static final double S = 0.5;

    private ConvergenceFit() {
    }

    /** 16 starting points evenly spread over [-2, 2], as in solver-check.json. */
    static double[] startState() {
        double[] x = new double[16];
        for (int i = 0; i < x.length; i++) {
            x[i] = -2 + 4.0 * i / 15;
        }
        return x;
    }

    /** Largest absolute difference. */
    static double maxError(double[] a, double[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }

    /** Errors of the solver at each of {@link #STEPS} against the exact flow from tStart to tEnd. */
    static double[] errors(NoiseSchedule schedule, DenoisingModel model, double tStart, double tEnd,
                           IntFunction<Solver> solverForSteps) {
        GaussianModel gaussian = new GaussianModel(schedule, MU, S);
        double[] x0 = startState();
        double[] exact = gaussian.exactFlow(x0, tStart, tEnd);
        double[] errors = new double[STEPS.length];
        for (int k = 0; k < STEPS.length; k++) {
            Solver solver = solverForSteps.apply(STEPS[k]);
            errors[k] = maxError(solver.sample(model, x0, StepListener.NONE), exact);
        }
        return errors;
    }

    /** Convenience: errors with the exact Gaussian model of the given prediction type. */
    static double[] errors(NoiseSchedule schedule, PredictionType type, double tStart, double tEnd,
                           IntFunction<Solver> solverForSteps) {
        return errors(schedule, new GaussianModel(schedule, MU, S).model(type), tStart, tEnd, solverForSteps);
    }

    /**
     * The exact velocity {@code eps - x0} of N(mu, s^2) data on the flow-matching path, written so
     * that it stays finite at t = 1 where alpha = 0 (the fixture's data prediction divides by alpha).
     */
    static DenoisingModel flowVelocityModel() {
        return DenoisingModel.of(PredictionType.VELOCITY, (x, t, out) -> {
            double a = 1 - t;
            double variance = a * a * S * S + t * t;
            for (int i = 0; i < x.length; i++) {
                double centred = x[i] - a * MU;
                double data = MU + a * S * S * centred / variance;
                double eps = t * centred / variance;
                out[i] = eps - data;
            }
        });
    }

    /** Least-squares slope of -log(error) against log(steps): the observed order. */
    static double slope(double[] errors) {
        int n = STEPS.length;
        double mx = 0;
        double my = 0;
        for (int k = 0; k < n; k++) {
            mx += Math.log(STEPS[k]);
            my += -Math.log(errors[k]);
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        for (int k = 0; k < n; k++) {
            double dx = Math.log(STEPS[k]) - mx;
            sxy += dx * (-Math.log(errors[k]) - my);
            sxx += dx * dx;
        }
        return sxy / sxx;
    }
}
