package org.unidiff.shapes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RendererTest {

    private static final int N = Renderer.IMAGE_SIZE;

    /** Fraction of object colour in each pixel, recovered exactly from the blend the renderer writes. */
    private static double[] coverage(byte[] image, Scene scene) {
        Rgb bg = scene.background().rgb();
        Rgb fg = scene.color().rgb();
        double[] v = {fg.r() - bg.r(), fg.g() - bg.g(), fg.b() - bg.b()};
        double vv = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
        int[] b = {bg.r(), bg.g(), bg.b()};
        double[] out = new double[N * N];
        for (int i = 0; i < out.length; i++) {
            double dot = 0;
            for (int c = 0; c < 3; c++) {
                dot += ((image[3 * i + c] & 0xFF) - b[c]) * v[c];
            }
            out[i] = dot / vv;
        }
        return out;
    }

    @Test
    void squareOnPixelGridCoversExactlyItsPixels() {
        // Half-extent 7 around (32, 32): pixels 25..38 inclusive are fully inside, everything else outside.
        Scene scene = Scene.centered(Background.BLACK, Color.RED, Shape.SQUARE, Size.SMALL, Position.CENTER);
        byte[] image = Renderer.renderBytes(scene);
        for (int y = 0; y < N; y++) {
            for (int x = 0; x < N; x++) {
                boolean inside = x >= 25 && x <= 38 && y >= 25 && y <= 38;
                int p = 3 * (y * N + x);
                Rgb expected = inside ? Color.RED.rgb() : Background.BLACK.rgb();
                assertEquals(expected, new Rgb(image[p] & 0xFF, image[p + 1] & 0xFF, image[p + 2] & 0xFF),
                        "pixel (" + x + ", " + y + ")");
            }
        }
    }

    @Test
    void coveredAreaMatchesTheAnalyticAreaOfEveryShape() {
        SplittableRandom random = new SplittableRandom(11);
        for (Shape shape : Shape.values()) {
            for (Size size : Size.values()) {
                for (int trial = 0; trial < 20; trial++) {
                    Scene scene = Scene.jittered(Background.WHITE, Color.BLUE, shape, size, Position.CENTER, random);
                    double area = 0;
                    for (double c : coverage(Renderer.renderBytes(scene), scene)) {
                        area += c;
                    }
                    double s = size.extent();
                    double expected = shape.fillRatio() * s * s;
                    // Polygons: exact coverage, only 8-bit rounding is left; circle: 16 x 16 supersampling too.
                    double tolerance = (shape == Shape.CIRCLE ? 0.003 : 0.001) * expected;
                    assertEquals(expected, area, tolerance, shape + " " + size + " at " + scene.centerX()
                            + ", " + scene.centerY());
                }
            }
        }
    }

    @Test
    void antiAliasedEdgePixelsAreBlends() {
        // The square's left edge at x = 32.5 - 7 = 25.5 halves pixel column 25.
        Scene scene = new Scene(Background.BLACK, Color.RED, Shape.SQUARE, Size.SMALL, Position.CENTER, 32.5, 32);
        byte[] image = Renderer.renderBytes(scene);
        int p = 3 * (32 * N + 25);
        assertEquals(110, image[p] & 0xFF, "red channel of the half-covered pixel: round(0.5 * 220)");
        assertEquals(20, image[p + 1] & 0xFF);
        assertEquals(20, image[p + 2] & 0xFF);
    }

    @Test
    void triangleHasApexUpAndDiamondIsUpDownSymmetric() {
        Scene triangle = Scene.centered(Background.BLACK, Color.GREEN, Shape.TRIANGLE, Size.LARGE, Position.CENTER);
        double[] t = coverage(Renderer.renderBytes(triangle), triangle);
        // Row 19 (top of the 28 px box, 18..46) is nearly empty; row 44 near the base is 28 px wide.
        assertTrue(rowSum(t, 18) < 1.0, "apex row");
        assertEquals(27.0, rowSum(t, 44), 1.0, "row near the base");
        Scene diamond = Scene.centered(Background.BLACK, Color.GREEN, Shape.DIAMOND, Size.LARGE, Position.CENTER);
        double[] d = coverage(Renderer.renderBytes(diamond), diamond);
        for (int y = 18; y < 32; y++) {
            assertEquals(rowSum(d, y), rowSum(d, 63 - y), 0.02, "rows " + y + " and " + (63 - y));
        }
    }

    private static double rowSum(double[] coverage, int y) {
        double sum = 0;
        for (int x = 0; x < N; x++) {
            sum += coverage[y * N + x];
        }
        return sum;
    }

    @Test
    void renderingIsDeterministicAndJitterIsSeeded() {
        Scene a = Scene.jittered(Background.GRAY, Color.PURPLE, Shape.DIAMOND, Size.LARGE, Position.TOP_LEFT,
                new SplittableRandom(5));
        Scene b = Scene.jittered(Background.GRAY, Color.PURPLE, Shape.DIAMOND, Size.LARGE, Position.TOP_LEFT,
                new SplittableRandom(5));
        assertEquals(a, b);
        assertArrayEquals(Renderer.renderBytes(a), Renderer.renderBytes(b));
        Scene c = Scene.jittered(Background.GRAY, Color.PURPLE, Shape.DIAMOND, Size.LARGE, Position.TOP_LEFT,
                new SplittableRandom(6));
        assertNotEquals(a.centerX(), c.centerX());
    }

    @Test
    void jitterStaysWithinThreePixels() {
        SplittableRandom random = new SplittableRandom(2);
        double maxOffset = 0;
        for (int i = 0; i < 10_000; i++) {
            Scene s = Scene.jittered(Background.BLACK, Color.RED, Shape.CIRCLE, Size.SMALL, Position.RIGHT, random);
            maxOffset = Math.max(maxOffset, Math.max(Math.abs(s.centerX() - 48), Math.abs(s.centerY() - 32)));
        }
        assertTrue(maxOffset <= 3.0 && maxOffset > 2.9, "largest offset " + maxOffset);
    }

    @Test
    void bufferedImageRoundTripKeepsTheBytes() {
        Scene scene = Scene.centered(Background.WHITE, Color.ORANGE, Shape.CIRCLE, Size.LARGE, Position.BOTTOM);
        byte[] bytes = Renderer.renderBytes(scene);
        BufferedImage image = Renderer.renderImage(scene);
        assertEquals(64, image.getWidth());
        int rgb = image.getRGB(32, 48) & 0xFFFFFF;
        assertEquals(240 << 16 | 140 << 8 | 30, rgb, "object colour at the object centre");
        assertArrayEquals(bytes, Renderer.toBytes(image));
    }

    @Test
    void rejectsBadTargetsAndCentres() {
        Scene scene = Scene.centered(Background.WHITE, Color.ORANGE, Shape.CIRCLE, Size.LARGE, Position.BOTTOM);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Renderer.renderInto(scene, new byte[100], 0));
        assertTrue(e.getMessage().contains("12288"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new Scene(Background.WHITE, Color.RED, Shape.SQUARE, Size.SMALL, Position.CENTER, 36, 32));
        assertTrue(e.getMessage().contains("center"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Renderer.toBytes(new BufferedImage(32, 32,
                BufferedImage.TYPE_INT_RGB)));
    }
}
