package org.unidiff.api;

/**
 * The blends of an interpolation. Noise is blended spherically because a linear blend of two
 * independent Gaussian vectors has a norm shrunk by up to {@code sqrt(2)} at the midpoint, which
 * the model reads as a less noisy (flat, grey) start; the slerp keeps the norm between the two.
 * Text latents are clean values, blended linearly. Both return their endpoints exactly at u = 0
 * and u = 1.
 */
final class Blend {

    /** Below this angle (radians) the slerp weights lose precision and the lerp is as good. */
    private static final double MIN_ANGLE = 1e-6;

    private Blend() {
    }

    /** {@code (1 - u) a + u b}. */
    static double[] lerp(double[] a, double[] b, double u) {
        check(a, b, u);
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (1 - u) * a[i] + u * b[i];
        }
        return out;
    }

    /** Spherical blend at angle fraction {@code u} of the angle between {@code a} and {@code b}. */
    static double[] slerp(double[] a, double[] b, double u) {
        check(a, b, u);
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        double cos = dot / Math.sqrt(na * nb);
        double theta = Math.acos(Math.max(-1, Math.min(1, cos)));
        if (!(theta > MIN_ANGLE) || Double.isNaN(cos)) {
            return lerp(a, b, u);
        }
        double sin = Math.sin(theta);
        double wa = Math.sin((1 - u) * theta) / sin;
        double wb = Math.sin(u * theta) / sin;
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = wa * a[i] + wb * b[i];
        }
        return out;
    }

    private static void check(double[] a, double[] b, double u) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("blended vectors differ in length: " + a.length + " and " + b.length);
        }
        if (!(u >= 0 && u <= 1)) {
            throw new IllegalArgumentException("blend fraction must be in [0, 1], got " + u);
        }
    }
}
