package org.unidiff.shapes;

/**
 * An 8-bit sRGB colour triple, as stored in rendered images.
 *
 * @param r red, 0..255
 * @param g green, 0..255
 * @param b blue, 0..255
 */
public record Rgb(int r, int g, int b) {

    /** Checks that every channel is a byte value. */
    public Rgb {
        if (r < 0 || r > 255 || g < 0 || g > 255 || b < 0 || b > 255) {
            throw new IllegalArgumentException(
                    "RGB channels must lie in 0..255, got (" + r + ", " + g + ", " + b + ")");
        }
    }

    /** Squared Euclidean distance in RGB space to the colour (r2, g2, b2), channels given as doubles. */
    public double squaredDistance(double r2, double g2, double b2) {
        double dr = r - r2;
        double dg = g - g2;
        double db = b - b2;
        return dr * dr + dg * dg + db * db;
    }

    /** Squared Euclidean distance in RGB space to another colour. */
    public double squaredDistance(Rgb other) {
        return squaredDistance(other.r, other.g, other.b);
    }

    /** The channels as a three-element array {r, g, b}, for serialization. */
    public int[] toArray() {
        return new int[] {r, g, b};
    }
}
