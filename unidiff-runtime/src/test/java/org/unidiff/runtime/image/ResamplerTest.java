package org.unidiff.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ResamplerTest {

    @Test
    void kernelValuesMatchTheirFormulas() {
        assertEquals(6 / (Math.PI * Math.PI), ResampleFilter.LANCZOS3.weight(0.5), 1e-15);
        assertEquals(1.0, ResampleFilter.LANCZOS3.weight(0), 0);
        assertEquals(0.0, ResampleFilter.LANCZOS3.weight(1), 1e-16);
        assertEquals(0.0, ResampleFilter.LANCZOS3.weight(2), 1e-16);
        assertEquals(0.0, ResampleFilter.LANCZOS3.weight(3.2), 0);
        assertEquals(0.5625, ResampleFilter.BICUBIC.weight(0.5), 1e-15);
        assertEquals(-0.0625, ResampleFilter.BICUBIC.weight(-1.5), 1e-15);
        assertEquals(0.0, ResampleFilter.BICUBIC.weight(1), 0);
        assertEquals(0.75, ResampleFilter.BILINEAR.weight(-0.25), 0);
    }

    @ParameterizedTest
    @EnumSource(ResampleFilter.class)
    void constantImageStaysConstant(ResampleFilter filter) {
        float[][] src = {constant(7 * 5, 0.3f), constant(7 * 5, -0.8f)};
        for (int[] size : new int[][] {{3, 11}, {14, 10}, {2, 2}, {7, 5}, {1, 1}}) {
            float[][] out = Resampler.resize(src, 7, 5, size[0], size[1], filter);
            for (float v : out[0]) {
                assertEquals(0.3f, v, 1e-6f);
            }
            for (float v : out[1]) {
                assertEquals(-0.8f, v, 1e-6f);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ResampleFilter.class)
    void sameSizeIsIdentity(ResampleFilter filter) {
        SplittableRandom random = new SplittableRandom(1);
        float[] plane = new float[9 * 6];
        for (int i = 0; i < plane.length; i++) {
            plane[i] = (float) random.nextDouble();
        }
        float[][] out = Resampler.resize(new float[][] {plane}, 9, 6, 9, 6, filter);
        for (int i = 0; i < plane.length; i++) {
            assertEquals(plane[i], out[0][i], 1e-6f);
        }
    }

    /** Pixel i holds i; at output pixel o the sampled position is (o + 0.5) * scale - 0.5. */
    @Test
    void linearRampIsPreservedInTheInteriorByBilinearAndBicubic() {
        int in = 20;
        float[] ramp = new float[in];
        for (int i = 0; i < in; i++) {
            ramp[i] = i;
        }
        for (ResampleFilter filter : new ResampleFilter[] {ResampleFilter.BILINEAR, ResampleFilter.BICUBIC}) {
            for (int outSize : new int[] {10, 33, 50}) {
                float[] out = Resampler.resize(new float[][] {ramp}, in, 1, outSize, 1, filter)[0];
                double scale = (double) in / outSize;
                double reach = filter.support() * Math.max(scale, 1);
                for (int o = 0; o < outSize; o++) {
                    double center = (o + 0.5) * scale;
                    if (center - reach < 0 || center + reach > in) {
                        continue;
                    }
                    assertEquals(center - 0.5, out[o], 1e-4, filter + " " + outSize + " at " + o);
                }
            }
        }
    }

    /** A 0/1 checkerboard halved averages to 0.5 wherever the kernel is not cut by the border. */
    @ParameterizedTest
    @EnumSource(ResampleFilter.class)
    void checkerboardDownscaledByTwoAverages(ResampleFilter filter) {
        int n = 32;
        float[] board = new float[n * n];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                board[y * n + x] = (x + y) % 2;
            }
        }
        float[] out = Resampler.resize(new float[][] {board}, n, n, n / 2, n / 2, filter)[0];
        int margin = (int) Math.ceil(filter.support());
        for (int y = margin; y < n / 2 - margin; y++) {
            for (int x = margin; x < n / 2 - margin; x++) {
                assertEquals(0.5f, out[y * n / 2 + x], 1e-6f, filter + " at " + x + "," + y);
            }
        }
    }

    @Test
    void manifestNames() {
        assertEquals(ResampleFilter.BICUBIC, ResampleFilter.fromManifestName("bicubic"));
        assertEquals(ResampleFilter.BILINEAR, ResampleFilter.fromManifestName("bilinear"));
        assertEquals(ResampleFilter.LANCZOS3, ResampleFilter.fromManifestName("lanczos"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ResampleFilter.fromManifestName("nearest"));
    }

    private static float[] constant(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
