package org.unidiff.runtime.image;

/**
 * Separable resampling of planar float images. When shrinking, the kernel is stretched by the
 * scale factor so every source pixel contributes (antialiasing, as PIL does); weights are
 * normalized per output pixel so flat regions stay exactly flat, also at the borders where the
 * kernel is cut off.
 */
public final class Resampler {

    private Resampler() {
    }

    /**
     * Resizes planes.
     *
     * @param src    planes [channels][height * width], row-major
     * @param width  source width
     * @param height source height
     * @param outW   target width
     * @param outH   target height
     * @param filter the kernel
     * @return planes [channels][outH * outW]
     */
    public static float[][] resize(float[][] src, int width, int height, int outW, int outH, ResampleFilter filter) {
        if (width < 1 || height < 1 || outW < 1 || outH < 1) {
            throw new IllegalArgumentException("sizes must be positive, got " + width + "x" + height + " -> "
                    + outW + "x" + outH);
        }
        Weights horizontal = Weights.of(width, outW, filter);
        Weights vertical = Weights.of(height, outH, filter);
        float[][] out = new float[src.length][];
        for (int c = 0; c < src.length; c++) {
            if (src[c].length != width * height) {
                throw new IllegalArgumentException("plane " + c + " has " + src[c].length + " values, expected "
                        + width + " x " + height);
            }
            double[] rows = new double[height * outW];
            for (int y = 0; y < height; y++) {
                horizontal.apply(src[c], y * width, 1, rows, y * outW, 1);
            }
            double[] plane = new double[outH * outW];
            for (int x = 0; x < outW; x++) {
                vertical.applyColumn(rows, x, outW, plane);
            }
            float[] result = new float[plane.length];
            for (int i = 0; i < plane.length; i++) {
                result[i] = (float) plane[i];
            }
            out[c] = result;
        }
        return out;
    }

    /** Per-output-pixel source ranges and normalized weights along one axis. */
    private static final class Weights {
        final int[] start;
        final double[][] weights;

        private Weights(int[] start, double[][] weights) {
            this.start = start;
            this.weights = weights;
        }

        static Weights of(int inSize, int outSize, ResampleFilter filter) {
            double scale = (double) inSize / outSize;
            double stretch = Math.max(scale, 1.0);
            double support = filter.support() * stretch;
            int[] start = new int[outSize];
            double[][] weights = new double[outSize][];
            for (int o = 0; o < outSize; o++) {
                // Pixel centres sit at i + 0.5 in both grids.
                double center = (o + 0.5) * scale;
                int lo = Math.max((int) Math.floor(center - support), 0);
                int hi = Math.min((int) Math.ceil(center + support), inSize);
                double[] w = new double[hi - lo];
                double sum = 0;
                for (int i = lo; i < hi; i++) {
                    double v = filter.weight((i + 0.5 - center) / stretch);
                    w[i - lo] = v;
                    sum += v;
                }
                if (sum == 0) {
                    throw new IllegalStateException("resampling weights sum to 0 at output " + o);
                }
                for (int k = 0; k < w.length; k++) {
                    w[k] /= sum;
                }
                start[o] = lo;
                weights[o] = w;
            }
            return new Weights(start, weights);
        }

        void apply(float[] src, int srcOffset, int srcStride, double[] dst, int dstOffset, int dstStride) {
            for (int o = 0; o < start.length; o++) {
                double acc = 0;
                double[] w = weights[o];
                int base = srcOffset + start[o] * srcStride;
                for (int k = 0; k < w.length; k++) {
                    acc += w[k] * src[base + k * srcStride];
                }
                dst[dstOffset + o * dstStride] = acc;
            }
        }

        void applyColumn(double[] src, int column, int stride, double[] dst) {
            for (int o = 0; o < start.length; o++) {
                double acc = 0;
                double[] w = weights[o];
                int base = start[o] * stride + column;
                for (int k = 0; k < w.length; k++) {
                    acc += w[k] * src[base + k * stride];
                }
                dst[o * stride + column] = acc;
            }
        }
    }
}
