package org.unidiff.sampling;

import org.unidiff.sampling.schedule.NoiseSchedule;

/**
 * What a denoising network predicts, and the conversions between the three kinds at a time t
 * of a {@link NoiseSchedule} where {@code x = alpha * x0 + sigma * eps}.
 *
 * <p>Velocity is the time derivative of the schedule's path,
 * {@code v = alpha'(t) * x0 + sigma'(t) * eps}; on the flow-matching path this is the usual
 * {@code eps - x0}.
 */
public enum PredictionType {
    /** The noise eps (UniDiffuser, Stable Diffusion). */
    EPSILON,
    /** The clean data x0. */
    DATA,
    /** The path velocity dx/dt (flow matching). */
    VELOCITY;

    /** Parses the manifest spelling: "epsilon", "data" (or "sample"), "velocity". */
    public static PredictionType fromManifestName(String name) {
        switch (name) {
            case "epsilon":
                return EPSILON;
            case "data":
            case "sample":
                return DATA;
            case "velocity":
                return VELOCITY;
            default:
                throw new IllegalArgumentException(
                        "unknown prediction '" + name + "', expected 'epsilon', 'data' or 'velocity'");
        }
    }

    /**
     * Converts a prediction of this type at time t into a data (x0) prediction, in place into {@code out}
     * (which may be the same array as {@code prediction}).
     */
    public void toData(NoiseSchedule schedule, double t, double[] x, double[] prediction, double[] out, int length) {
        double a = schedule.alpha(t);
        double s = schedule.sigma(t);
        switch (this) {
            case DATA:
                if (out != prediction) {
                    System.arraycopy(prediction, 0, out, 0, length);
                }
                return;
            case EPSILON: {
                double inv = 1 / a;
                for (int i = 0; i < length; i++) {
                    out[i] = (x[i] - s * prediction[i]) * inv;
                }
                return;
            }
            case VELOCITY: {
                double da = schedule.alphaDerivative(t);
                double ds = schedule.sigmaDerivative(t);
                double det = ds * a - s * da;
                for (int i = 0; i < length; i++) {
                    out[i] = (ds * x[i] - s * prediction[i]) / det;
                }
                return;
            }
            default:
                throw new AssertionError(this);
        }
    }

    /**
     * Converts a prediction of this type at time t into a noise (eps) prediction, in place into {@code out}
     * (which may be the same array as {@code prediction}).
     */
    public void toEpsilon(NoiseSchedule schedule, double t, double[] x, double[] prediction, double[] out, int length) {
        double a = schedule.alpha(t);
        double s = schedule.sigma(t);
        switch (this) {
            case EPSILON:
                if (out != prediction) {
                    System.arraycopy(prediction, 0, out, 0, length);
                }
                return;
            case DATA: {
                double inv = 1 / s;
                for (int i = 0; i < length; i++) {
                    out[i] = (x[i] - a * prediction[i]) * inv;
                }
                return;
            }
            case VELOCITY: {
                double da = schedule.alphaDerivative(t);
                double ds = schedule.sigmaDerivative(t);
                double det = a * ds - da * s;
                for (int i = 0; i < length; i++) {
                    out[i] = (a * prediction[i] - da * x[i]) / det;
                }
                return;
            }
            default:
                throw new AssertionError(this);
        }
    }
}
