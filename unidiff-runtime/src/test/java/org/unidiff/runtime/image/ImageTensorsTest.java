package org.unidiff.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageTensorsTest {

    @Test
    void vaeInputAtNativeSizeIsTheSignedPixelsAndRoundTrips() {
        BufferedImage image = new BufferedImage(5, 3, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                image.setRGB(x, y, (x * 50) << 16 | (y * 100) << 8 | (x * y * 10));
            }
        }
        float[] t = ImageTensors.vaeInput(image, 5, 3);
        assertEquals(3 * 15, t.length);
        assertEquals(4 * 50 / 127.5f - 1, t[4], 1e-6f);
        assertEquals(2 * 100 / 127.5f - 1, t[15 + 2 * 5], 1e-6f);
        assertEquals(-1f, t[30], 1e-6f);
        BufferedImage back = ImageTensors.fromSigned(t, 0, 5, 3);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                assertEquals(image.getRGB(x, y), back.getRGB(x, y));
            }
        }
    }

    @Test
    void fromSignedClampsAndMapsNanToBlack() {
        float[] data = {2f, Float.NaN, 0f};
        BufferedImage image = ImageTensors.fromSigned(data, 0, 1, 1);
        assertEquals(255 << 16 | 0 << 8 | 128, image.getRGB(0, 0) & 0xffffff);
    }

    @Test
    void centerCropTakesTheMiddleOfTheLongerSide() {
        BufferedImage wide = stripes(10, 6);
        BufferedImage crop = ImageTensors.centerCropToAspect(wide, 4, 4);
        assertEquals(6, crop.getWidth());
        assertEquals(6, crop.getHeight());
        assertEquals(wide.getRGB(2, 0), crop.getRGB(0, 0));
        BufferedImage tall = stripes(6, 10);
        BufferedImage crop2 = ImageTensors.centerCropToAspect(tall, 8, 8);
        assertEquals(6, crop2.getHeight());
        assertEquals(tall.getRGB(0, 2), crop2.getRGB(0, 0));
        BufferedImage crop3 = ImageTensors.centerCropToAspect(wide, 5, 3);
        assertEquals(10, crop3.getWidth());
    }

    /** Shorter side already at the size: no resampling, only the centred crop, then (v - mean) / std. */
    @Test
    void clipInputCropsTheCentreAndNormalizes() {
        BufferedImage image = new BufferedImage(8, 4, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 8; x++) {
                image.setRGB(x, y, x < 4 ? 0xff0000 : 0x0000ff);
            }
        }
        List<Double> mean = List.of(0.5, 0.5, 0.5);
        List<Double> std = List.of(0.5, 0.25, 0.5);
        float[] t = ImageTensors.clipInput(image, 4, ResampleFilter.BICUBIC, mean, std);
        // Columns 2..5 of the original: red, red, blue, blue.
        assertEquals(1f, t[0], 1e-6f);
        assertEquals(1f, t[1], 1e-6f);
        assertEquals(-1f, t[2], 1e-6f);
        assertEquals(-2f, t[16], 1e-6f);
        assertEquals(1f, t[32 + 3], 1e-6f);
    }

    private static BufferedImage stripes(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, x * 20 << 16 | y * 20);
            }
        }
        return image;
    }
}
