package org.unidiff.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether accuracy rises with the guidance scale: the last scale beats the first, and no step to a larger scale
 * loses more than a tolerance (the counting noise of a few hundred samples is about 0.03).
 *
 * <p>The target is a rise from scale 0 <em>to the model's default scale</em>: scales above the default are
 * printed (a small model often gets worse there) but not judged, see {@link #judged}.
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

    /** The scales, increasing, with {@code defaultScale} inserted in order when it is not among them. */
    public static List<Double> withDefault(List<Double> increasing, double defaultScale) {
        List<Double> out = new ArrayList<>(increasing);
        if (!out.contains(defaultScale)) {
            int at = 0;
            while (at < out.size() && out.get(at) < defaultScale) {
                at++;
            }
            out.add(at, defaultScale);
        }
        return out;
    }

    /**
     * How many leading scales the verdict reads: those up to and including the default, or all of them when the
     * default is the first (there is then nothing to rise to).
     *
     * @throws IllegalArgumentException if the default scale is not among the scales
     */
    public static int judged(List<Double> increasing, double defaultScale) {
        int at = increasing.indexOf(defaultScale);
        if (at < 0) {
            throw new IllegalArgumentException("default scale " + defaultScale + " is not among " + increasing);
        }
        return at == 0 ? increasing.size() : at + 1;
    }
}
