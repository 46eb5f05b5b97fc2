package org.unidiff.shapes;

import java.util.SplittableRandom;

/**
 * Image corruptions that imitate what a generative model does to a clean render: Gaussian blur, a colour shift
 * and pixel noise. They are used to measure how tolerant the {@link Analyzer} is; every method returns a new
 * H x W x RGB array on the 0..255 scale and leaves its input alone.
 */
public final class Degradations {

    private static final int N = Renderer.IMAGE_SIZE;

    private Degradations() {
    }

    /** The image as doubles on 0..255. */
    public static double[] toDoubles(byte[] rgb) {
        Renderer.checkImageBytes(rgb);
        double[] out = new double[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            out[i] = rgb[i] & 0xFF;
        }
        return out;
    }

    /** The image rounded and clamped to bytes. */
    public static byte[] toBytes(double[] rgb) {
        byte[] out = new byte[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            out[i] = (byte) Math.max(0, Math.min(255, Math.round(rgb[i])));
        }
        return out;
    }

    /**
     * Separable Gaussian blur with standard deviation {@code sigma} pixels (kernel cut at 3 sigma), edges
     * extended by replication so the background stays plain.
     */
    public static double[] gaussianBlur(double[] rgb, double sigma) {
        if (!(sigma >= 0)) {
            throw new IllegalArgumentException("blur sigma must be >= 0, got " + sigma);
        }
        if (sigma == 0) {
            return rgb.clone();
        }
        int radius = (int) Math.ceil(3 * sigma);
        double[] kernel = new double[2 * radius + 1];
        double total = 0;
        for (int k = -radius; k <= radius; k++) {
            kernel[k + radius] = Math.exp(-0.5 * k * k / (sigma * sigma));
            total += kernel[k + radius];
        }
        for (int k = 0; k < kernel.length; k++) {
            kernel[k] /= total;
        }
        double[] horizontal = new double[rgb.length];
        for (int y = 0; y < N; y++) {
            for (int x = 0; x < N; x++) {
                for (int c = 0; c < 3; c++) {
                    double sum = 0;
                    for (int k = -radius; k <= radius; k++) {
                        int sx = Math.max(0, Math.min(N - 1, x + k));
                        sum += kernel[k + radius] * rgb[3 * (y * N + sx) + c];
                    }
                    horizontal[3 * (y * N + x) + c] = sum;
                }
            }
        }
        double[] out = new double[rgb.length];
        for (int y = 0; y < N; y++) {
            for (int x = 0; x < N; x++) {
                for (int c = 0; c < 3; c++) {
                    double sum = 0;
                    for (int k = -radius; k <= radius; k++) {
                        int sy = Math.max(0, Math.min(N - 1, y + k));
                        sum += kernel[k + radius] * horizontal[3 * (sy * N + x) + c];
                    }
                    out[3 * (y * N + x) + c] = sum;
                }
            }
        }
        return out;
    }

    /** Adds (dr, dg, db) to every pixel and clamps to 0..255, as a uniform colour drift would. */
    public static double[] shift(double[] rgb, double dr, double dg, double db) {
        double[] out = new double[rgb.length];
        double[] delta = {dr, dg, db};
        for (int i = 0; i < rgb.length; i++) {
            out[i] = Math.max(0, Math.min(255, rgb[i] + delta[i % 3]));
        }
        return out;
    }

    /** Adds independent Gaussian noise of standard deviation {@code sigma} to every channel, clamped to 0..255. */
    public static double[] noise(double[] rgb, double sigma, SplittableRandom random) {
        double[] out = new double[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            out[i] = Math.max(0, Math.min(255, rgb[i] + sigma * gaussian(random)));
        }
        return out;
    }

    /** A standard normal draw by the Box-Muller transform, so results depend only on the random stream. */
    private static double gaussian(SplittableRandom random) {
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
