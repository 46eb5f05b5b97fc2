package org.unidiff.shapes;

import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * Draws a {@link Scene} as a 64 x 64 RGB image: one anti-aliased object on a plain background.
 *
 * <p>Each pixel is the background blended towards the object colour by the fraction of the pixel the shape
 * covers, {@code round(bg + coverage * (color - bg))} per channel. Pixels wholly inside or outside the shape
 * are decided from a conservative distance bound; only pixels an edge crosses are computed, exactly for the
 * polygons and by 16 x 16 supersampling for the circle, which keeps rendering fast enough for datasets of tens
 * of thousands of images. The output is
 * a pure function of the scene (its jittered centre included), so rendering is deterministic and may run in
 * parallel.
 *
 * <p>Byte layout everywhere in this module: row-major, height x width x 3 (RGB), no padding.
 */
public final class Renderer {

    /** Width and height of every image in pixels. */
    public static final int IMAGE_SIZE = 64;

    /** Number of bytes of one image: 64 x 64 x 3. */
    public static final int IMAGE_BYTES = IMAGE_SIZE * IMAGE_SIZE * 3;

    private static final int SUPERSAMPLES = 16;
    private static final double HALF_DIAGONAL = Math.sqrt(0.5);

    private Renderer() {
    }

    /** Renders the scene into a new byte array of {@link #IMAGE_BYTES} bytes (H x W x RGB). */
    public static byte[] renderBytes(Scene scene) {
        byte[] image = new byte[IMAGE_BYTES];
        renderInto(scene, image, 0);
        return image;
    }

    /** Renders the scene as a {@link BufferedImage} of type {@code TYPE_INT_RGB}. */
    public static BufferedImage renderImage(Scene scene) {
        return toBufferedImage(renderBytes(scene));
    }

    /**
     * Renders the scene into {@code target} starting at {@code offset}, overwriting {@link #IMAGE_BYTES} bytes.
     */
    public static void renderInto(Scene scene, byte[] target, int offset) {
        Objects.requireNonNull(scene, "scene");
        if (offset < 0 || target.length - offset < IMAGE_BYTES) {
            throw new IllegalArgumentException("target needs " + IMAGE_BYTES + " bytes from offset " + offset
                    + " but has length " + target.length);
        }
        Rgb bg = scene.background().rgb();
        Rgb fg = scene.color().rgb();
        for (int i = 0; i < IMAGE_SIZE * IMAGE_SIZE; i++) {
            int p = offset + 3 * i;
            target[p] = (byte) bg.r();
            target[p + 1] = (byte) bg.g();
            target[p + 2] = (byte) bg.b();
        }
        double cx = scene.centerX();
        double cy = scene.centerY();
        double half = scene.size().extent() / 2.0;
        Shape shape = scene.shape();
        int x0 = Math.max(0, (int) Math.floor(cx - half - 1));
        int x1 = Math.min(IMAGE_SIZE - 1, (int) Math.ceil(cx + half + 1));
        int y0 = Math.max(0, (int) Math.floor(cy - half - 1));
        int y1 = Math.min(IMAGE_SIZE - 1, (int) Math.ceil(cy + half + 1));
        for (int y = y0; y <= y1; y++) {
            double dy = y + 0.5 - cy;
            for (int x = x0; x <= x1; x++) {
                double dx = x + 0.5 - cx;
                double coverage = pixelCoverage(shape, dx, dy, half);
                if (coverage > 0) {
                    int p = offset + 3 * (y * IMAGE_SIZE + x);
                    target[p] = (byte) blend(bg.r(), fg.r(), coverage);
                    target[p + 1] = (byte) blend(bg.g(), fg.g(), coverage);
                    target[p + 2] = (byte) blend(bg.b(), fg.b(), coverage);
                }
            }
        }
    }

    /**
     * Renders the scene's foreground mask: the object white on black, each pixel {@code round(255 * coverage)}
     * in all three channels, with exactly the coverage {@link #renderInto} blends with. Colours and background
     * of the scene play no part. In-context training uses it as a dense-prediction target.
     */
    public static byte[] renderMaskBytes(Scene scene) {
        Objects.requireNonNull(scene, "scene");
        byte[] image = new byte[IMAGE_BYTES];
        double cx = scene.centerX();
        double cy = scene.centerY();
        double half = scene.size().extent() / 2.0;
        Shape shape = scene.shape();
        int x0 = Math.max(0, (int) Math.floor(cx - half - 1));
        int x1 = Math.min(IMAGE_SIZE - 1, (int) Math.ceil(cx + half + 1));
        int y0 = Math.max(0, (int) Math.floor(cy - half - 1));
        int y1 = Math.min(IMAGE_SIZE - 1, (int) Math.ceil(cy + half + 1));
        for (int y = y0; y <= y1; y++) {
            double dy = y + 0.5 - cy;
            for (int x = x0; x <= x1; x++) {
                double coverage = pixelCoverage(shape, x + 0.5 - cx, dy, half);
                if (coverage > 0) {
                    byte v = (byte) blend(0, 255, coverage);
                    int p = 3 * (y * IMAGE_SIZE + x);
                    image[p] = v;
                    image[p + 1] = v;
                    image[p + 2] = v;
                }
            }
        }
        return image;
    }

    /** Converts an H x W x RGB byte image of size 64 x 64 to a {@link BufferedImage}. */
    public static BufferedImage toBufferedImage(byte[] rgb) {
        checkImageBytes(rgb);
        BufferedImage image = new BufferedImage(IMAGE_SIZE, IMAGE_SIZE, BufferedImage.TYPE_INT_RGB);
        int[] packed = new int[IMAGE_SIZE * IMAGE_SIZE];
        for (int i = 0; i < packed.length; i++) {
            packed[i] = (rgb[3 * i] & 0xFF) << 16 | (rgb[3 * i + 1] & 0xFF) << 8 | (rgb[3 * i + 2] & 0xFF);
        }
        image.setRGB(0, 0, IMAGE_SIZE, IMAGE_SIZE, packed, 0, IMAGE_SIZE);
        return image;
    }

    /** Converts a 64 x 64 {@link BufferedImage} of any type to H x W x RGB bytes (alpha is ignored). */
    public static byte[] toBytes(BufferedImage image) {
        Objects.requireNonNull(image, "image");
        if (image.getWidth() != IMAGE_SIZE || image.getHeight() != IMAGE_SIZE) {
            throw new IllegalArgumentException("expected a " + IMAGE_SIZE + "x" + IMAGE_SIZE + " image, got "
                    + image.getWidth() + "x" + image.getHeight());
        }
        int[] packed = image.getRGB(0, 0, IMAGE_SIZE, IMAGE_SIZE, null, 0, IMAGE_SIZE);
        byte[] rgb = new byte[IMAGE_BYTES];
        for (int i = 0; i < packed.length; i++) {
            rgb[3 * i] = (byte) (packed[i] >> 16);
            rgb[3 * i + 1] = (byte) (packed[i] >> 8);
            rgb[3 * i + 2] = (byte) packed[i];
        }
        return rgb;
    }

    static void checkImageBytes(byte[] rgb) {
        Objects.requireNonNull(rgb, "image bytes");
        if (rgb.length != IMAGE_BYTES) {
            throw new IllegalArgumentException("expected " + IMAGE_BYTES + " bytes (64 x 64 x RGB), got "
                    + rgb.length);
        }
    }

    /**
     * Fraction of the unit pixel centred at offset (dx, dy) from the shape centre that lies inside the shape
     * of half-extent {@code half}: exact for the polygons (the pixel square clipped against the polygon), by
     * 16 x 16 supersampling for the circle, whose curved edge keeps sampling errors from lining up.
     */
    static double pixelCoverage(Shape shape, double dx, double dy, double half) {
        int decided = decideWholePixel(shape, dx, dy, half);
        if (decided >= 0) {
            return decided;
        }
        if (shape != Shape.CIRCLE) {
            return clippedArea(polygon(shape, half), dx - 0.5, dy - 0.5, dx + 0.5, dy + 0.5);
        }
        int inside = 0;
        for (int sy = 0; sy < SUPERSAMPLES; sy++) {
            double oy = dy + (sy + 0.5) / SUPERSAMPLES - 0.5;
            for (int sx = 0; sx < SUPERSAMPLES; sx++) {
                double ox = dx + (sx + 0.5) / SUPERSAMPLES - 0.5;
                if (contains(shape, ox, oy, half)) {
                    inside++;
                }
            }
        }
        return inside / (double) (SUPERSAMPLES * SUPERSAMPLES);
    }

    /** Vertices (x0, y0, x1, y1, ...) of a polygonal shape around the origin, image y pointing down. */
    private static double[] polygon(Shape shape, double h) {
        switch (shape) {
            case SQUARE:
                return new double[] {-h, -h, h, -h, h, h, -h, h};
            case DIAMOND:
                return new double[] {0, -h, h, 0, 0, h, -h, 0};
            case TRIANGLE:
                return new double[] {0, -h, h, h, -h, h};
            default:
                throw new IllegalArgumentException(shape + " is not a polygon");
        }
    }

    /** Area of the polygon inside the box [x0, x1] x [y0, y1], by Sutherland-Hodgman clipping. */
    private static double clippedArea(double[] polygon, double x0, double y0, double x1, double y1) {
        double[] p = clip(polygon, 0, x0, 1);
        p = clip(p, 0, x1, -1);
        p = clip(p, 1, y0, 1);
        p = clip(p, 1, y1, -1);
        double twiceArea = 0;
        int n = p.length / 2;
        for (int i = 0; i < n; i++) {
            int j = (i + 1) % n;
            twiceArea += p[2 * i] * p[2 * j + 1] - p[2 * j] * p[2 * i + 1];
        }
        return Math.abs(twiceArea) / 2;
    }

    /** Keeps the part of the polygon where {@code sign * (coordinate[axis] - bound) >= 0}. */
    private static double[] clip(double[] polygon, int axis, double bound, int sign) {
        int n = polygon.length / 2;
        double[] out = new double[4 * n + 4];
        int count = 0;
        for (int i = 0; i < n; i++) {
            int j = (i + 1) % n;
            double ax = polygon[2 * i];
            double ay = polygon[2 * i + 1];
            double bx = polygon[2 * j];
            double by = polygon[2 * j + 1];
            double da = sign * ((axis == 0 ? ax : ay) - bound);
            double db = sign * ((axis == 0 ? bx : by) - bound);
            if (da >= 0) {
                out[count++] = ax;
                out[count++] = ay;
            }
            if ((da >= 0) != (db >= 0)) {
                double t = da / (da - db);
                out[count++] = ax + t * (bx - ax);
                out[count++] = ay + t * (by - ay);
            }
        }
        return java.util.Arrays.copyOf(out, count);
    }

    /** Whether the point at offset (dx, dy) from the centre lies inside the shape. */
    static boolean contains(Shape shape, double dx, double dy, double half) {
        switch (shape) {
            case CIRCLE:
                return dx * dx + dy * dy <= half * half;
            case SQUARE:
                return Math.abs(dx) <= half && Math.abs(dy) <= half;
            case DIAMOND:
                return Math.abs(dx) + Math.abs(dy) <= half;
            case TRIANGLE:
                // Apex at (0, -half), base from (-half, half) to (half, half): half-width grows by 1/2 per row.
                return dy <= half && 2 * Math.abs(dx) <= dy + half;
            default:
                throw new IllegalStateException("unhandled shape " + shape);
        }
    }

    /**
     * 1 if the whole pixel is inside, 0 if wholly outside, -1 if the edge may cross it. The margins are how
     * far each implicit function can change across a pixel (its Lipschitz bound times the half-pixel).
     */
    private static int decideWholePixel(Shape shape, double dx, double dy, double half) {
        switch (shape) {
            case CIRCLE: {
                double d = Math.sqrt(dx * dx + dy * dy) - half;
                return d < -HALF_DIAGONAL ? 1 : d > HALF_DIAGONAL ? 0 : -1;
            }
            case SQUARE: {
                double d = Math.max(Math.abs(dx), Math.abs(dy)) - half;
                return d < -0.5 ? 1 : d > 0.5 ? 0 : -1;
            }
            case DIAMOND: {
                double d = Math.abs(dx) + Math.abs(dy) - half;
                return d < -1 ? 1 : d > 1 ? 0 : -1;
            }
            case TRIANGLE: {
                double base = dy - half;
                double sides = 2 * Math.abs(dx) - dy - half;
                if (base > 0.5 || sides > 1.5) {
                    return 0;
                }
                return base < -0.5 && sides < -1.5 ? 1 : -1;
            }
            default:
                throw new IllegalStateException("unhandled shape " + shape);
        }
    }

    private static int blend(int background, int foreground, double coverage) {
        return (int) Math.floor(background + coverage * (foreground - background) + 0.5);
    }
}
