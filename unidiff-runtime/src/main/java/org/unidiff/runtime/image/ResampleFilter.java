package org.unidiff.runtime.image;

/** Interpolation kernels for {@link Resampler}, as functions of the distance in source pixels. */
public enum ResampleFilter {
    /** Triangle kernel, support 1. */
    BILINEAR(1.0) {
        @Override
        public double weight(double x) {
            double a = Math.abs(x);
            return a < 1 ? 1 - a : 0;
        }
    },
    /** Keys cubic convolution with a = -0.5 (the Catmull-Rom spline), support 2. */
    BICUBIC(2.0) {
        @Override
        public double weight(double x) {
            final double a = -0.5;
            double t = Math.abs(x);
            if (t < 1) {
                return ((a + 2) * t - (a + 3)) * t * t + 1;
            }
            if (t < 2) {
                return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
            }
            return 0;
        }
    },
    /** Lanczos windowed sinc with 3 lobes, support 3. */
    LANCZOS3(3.0) {
        @Override
        public double weight(double x) {
            double t = Math.abs(x);
            if (t >= 3) {
                return 0;
            }
            return sinc(t) * sinc(t / 3);
        }
    };

    private final double support;

    ResampleFilter(double support) {
        this.support = support;
    }

    /** Half-width of the kernel in source pixels at scale 1. */
    public double support() {
        return support;
    }

    /** The kernel's value at distance {@code x}. */
    public abstract double weight(double x);

    /** The filter a manifest names ({@code "bicubic"}, {@code "bilinear"}, {@code "lanczos"}). */
    public static ResampleFilter fromManifestName(String name) {
        switch (name) {
            case "bicubic":
                return BICUBIC;
            case "bilinear":
                return BILINEAR;
            case "lanczos":
            case "lanczos3":
                return LANCZOS3;
            default:
                throw new IllegalArgumentException("unknown resample filter '" + name
                        + "', expected 'bicubic', 'bilinear' or 'lanczos'");
        }
    }

    private static double sinc(double x) {
        if (x == 0) {
            return 1;
        }
        double px = Math.PI * x;
        return Math.sin(px) / px;
    }
}
