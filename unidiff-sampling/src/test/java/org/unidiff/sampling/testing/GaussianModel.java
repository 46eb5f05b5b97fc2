package org.unidiff.sampling.testing;

import org.unidiff.sampling.PredictionType;
import org.unidiff.sampling.schedule.NoiseSchedule;
import org.unidiff.sampling.solver.DenoisingModel;

/**
 * Test fixture: data distributed N(mu, s^2) independently per coordinate, for which the exact
 * prediction of every type and the exact probability-flow ODE solution are known in closed form.
 * Solvers are checked against it for parity with the reference and for convergence order.
 */
public final class GaussianModel {

    private final NoiseSchedule schedule;
    private final double mu;
    private final double s;

    public GaussianModel(NoiseSchedule schedule, double mu, double s) {
        this.schedule = schedule;
        this.mu = mu;
        this.s = s;
    }

    /** Exact noise prediction eps(x, t) = sigma (x - alpha mu) / (alpha^2 s^2 + sigma^2). */
    public double epsilon(double x, double t) {
        double a = schedule.alpha(t);
        double sg = schedule.sigma(t);
        return sg * (x - a * mu) / (a * a * s * s + sg * sg);
    }

    /** Exact data prediction E[x0 | x_t]. */
    public double data(double x, double t) {
        double a = schedule.alpha(t);
        double sg = schedule.sigma(t);
        return (x - sg * epsilon(x, t)) / a;
    }

    /** Exact velocity alpha' x0 + sigma' eps. */
    public double velocity(double x, double t) {
        return schedule.alphaDerivative(t) * data(x, t) + schedule.sigmaDerivative(t) * epsilon(x, t);
    }

    /** A {@link DenoisingModel} predicting the given type exactly. */
    public DenoisingModel model(PredictionType type) {
        return DenoisingModel.of(type, (x, t, out) -> {
            for (int i = 0; i < x.length; i++) {
                switch (type) {
                    case EPSILON:
                        out[i] = epsilon(x[i], t);
                        break;
                    case DATA:
                        out[i] = data(x[i], t);
                        break;
                    default:
                        out[i] = velocity(x[i], t);
                        break;
                }
            }
        });
    }

    /** The exact probability-flow ODE solution at tEnd starting from xStart at tStart. */
    public double[] exactFlow(double[] xStart, double tStart, double tEnd) {
        double a0 = schedule.alpha(tStart);
        double s0 = schedule.sigma(tStart);
        double a1 = schedule.alpha(tEnd);
        double s1 = schedule.sigma(tEnd);
        double ratio = Math.sqrt(a1 * a1 * s * s + s1 * s1) / Math.sqrt(a0 * a0 * s * s + s0 * s0);
        double[] out = new double[xStart.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = a1 * mu + ratio * (xStart[i] - a0 * mu);
        }
        return out;
    }
}
