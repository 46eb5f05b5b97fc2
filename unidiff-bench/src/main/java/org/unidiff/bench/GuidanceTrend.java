package org.unidiff.bench;

/**
 * Whether accuracy rises with the guidance scale: the last scale beats the first, and no step to a larger scale
 * loses more than a tolerance (the counting noise of a few hundred samples is about 0.03).
 */
public final class GuidanceTrend {

    /** Largest drop between consecutive scales still read as rising. */
    public static final double TOLERANCE = 0.02;

    private GuidanceTrend() {
    }

    /**
     * Judges accuracies listed by increasing scale.
     *
     * @throws IllegalArgumentException for fewer than two values or a NaN among them
     */
    public static boolean rises(double[] byIncreasingScale, double tolerance) {
        if (byIncreasingScale.length < 2) {
            throw new IllegalArgumentException("need accuracies at two or more scales, got "
                    + byIncreasingScale.length);
        }
        for (double v : byIncreasingScale) {
            if (Double.isNaN(v)) {
                throw new IllegalArgumentException("an accuracy is NaN (nothing counted at that scale)");
            }
        }
        for (int i = 1; i < byIncreasingScale.length; i++) {
            if (byIncreasingScale[i] < byIncreasingScale[i - 1] - tolerance) {
                return false;
            }
        }
        return byIncreasingScale[byIncreasingScale.length - 1] > byIncreasingScale[0];
    }
}
