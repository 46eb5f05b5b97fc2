package org.unidiff.runtime.image;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Conversions between {@link BufferedImage}s and the planar RGB tensors the models take: the VAE's
 * [-1, 1] input and output, and the image encoder's CLIP-normalized input.
 */
public final class ImageTensors {

    private ImageTensors() {
    }

    /** RGB planes [3][h * w] in [0, 1] (alpha is ignored). */
    public static float[][] planes(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        float[][] planes = new float[3][w * h];
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            planes[0][i] = ((p >>> 16) & 0xff) / 255f;
            planes[1][i] = ((p >>> 8) & 0xff) / 255f;
            planes[2][i] = (p & 0xff) / 255f;
        }
        return planes;
    }

    /**
     * The centred crop of an image with the aspect ratio {@code targetW : targetH} (for a square
     * target: the centred square of the shorter side).
     */
    public static BufferedImage centerCropToAspect(BufferedImage image, int targetW, int targetH) {
        int w = image.getWidth();
        int h = image.getHeight();
        // Compare w / h with targetW / targetH without rounding.
        long lhs = (long) w * targetH;
        long rhs = (long) h * targetW;
        int cropW = w;
        int cropH = h;
        if (lhs > rhs) {
            cropW = (int) Math.max(1, Math.round((double) h * targetW / targetH));
        } else if (lhs < rhs) {
            cropH = (int) Math.max(1, Math.round((double) w * targetH / targetW));
        }
        return image.getSubimage((w - cropW) / 2, (h - cropH) / 2, cropW, cropH);
    }

    /**
     * The VAE encoder's input for one image: centre crop to the target aspect, Lanczos resize to
     * {@code width x height}, values in [-1, 1], planar [3, height, width].
     */
    public static float[] vaeInput(BufferedImage image, int width, int height) {
        BufferedImage crop = centerCropToAspect(image, width, height);
        float[][] planes = Resampler.resize(planes(crop), crop.getWidth(), crop.getHeight(), width, height,
                ResampleFilter.LANCZOS3);
        float[] out = new float[3 * width * height];
        int n = width * height;
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < n; i++) {
                out[c * n + i] = planes[c][i] * 2f - 1f;
            }
        }
        return out;
    }

    /**
     * The image encoder's input for one image: resize so the shorter side is {@code size} (keeping
     * the aspect), centre crop {@code size x size}, values in [0, 1] normalized per channel by
     * {@code (v - mean) / std}, planar [3, size, size].
     */
    public static float[] clipInput(BufferedImage image, int size, ResampleFilter filter, List<Double> mean,
                                    List<Double> std) {
        int w = image.getWidth();
        int h = image.getHeight();
        int outW;
        int outH;
        if (w <= h) {
            outW = size;
            outH = (int) Math.max(size, Math.round((double) h * size / w));
        } else {
            outH = size;
            outW = (int) Math.max(size, Math.round((double) w * size / h));
        }
        float[][] resized = Resampler.resize(planes(image), w, h, outW, outH, filter);
        int x0 = (outW - size) / 2;
        int y0 = (outH - size) / 2;
        float[] out = new float[3 * size * size];
        for (int c = 0; c < 3; c++) {
            double m = mean.get(c);
            double s = std.get(c);
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double v = resized[c][(y + y0) * outW + x + x0];
                    out[(c * size + y) * size + x] = (float) ((v - m) / s);
                }
            }
        }
        return out;
    }

    /**
     * An RGB image from planar [3, height, width] values in [-1, 1] starting at {@code offset}
     * (clamped, rounded to the nearest 8-bit level).
     */
    public static BufferedImage fromSigned(float[] data, int offset, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int n = width * height;
        int[] rgb = new int[n];
        for (int i = 0; i < n; i++) {
            int r = toByte(data[offset + i]);
            int g = toByte(data[offset + n + i]);
            int b = toByte(data[offset + 2 * n + i]);
            rgb[i] = (r << 16) | (g << 8) | b;
        }
        image.setRGB(0, 0, width, height, rgb, 0, width);
        return image;
    }

    private static int toByte(float signed) {
        double v = (signed + 1.0) * 127.5;
        if (!(v > 0)) {
            // NaN lands here too: black is the visible sign of a broken output.
            return 0;
        }
        return (int) Math.min(255, Math.round(v));
    }
}
