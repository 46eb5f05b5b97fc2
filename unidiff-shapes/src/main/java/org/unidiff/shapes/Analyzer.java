package org.unidiff.shapes;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Optional;

/**
 * The ground truth of every metric: a deterministic function from a 64 x 64 RGB image to the scene attributes
 * of its single object, or {@link Analysis.NoSingleObject}.
 *
 * <p>Steps, each chosen to survive the blur and colour drift of generated images:
 * <ol>
 *   <li>Background: the per-channel median of the border pixels (robust to an object touching the border),
 *       snapped to the nearest palette background.</li>
 *   <li>Object colour: pixels clearly away from the measured background are fitted to the blend line from the
 *       background to each palette colour; the colour with the smallest residual wins. Fitting lines rather than
 *       points makes anti-aliased and blurred pixels (which lie on the line) vote for the right colour.</li>
 *   <li>Coverage: each pixel's position along the chosen line (0 background, 1 object), normalized by the
 *       median over the object's interior so that a contrast drift does not change the measured area.</li>
 *   <li>Exactly one significant 8-connected component of coverage at least 1/2 must exist.</li>
 *   <li>Shape from two measures of the coverage inside the object's region (the component grown by
 *       {@value #REGION_MARGIN} px): up-down symmetry (the third vertical cumulant) picks out the apex-up
 *       triangle; squareness (fourth cumulants along the diagonals against the axes) tells whether the mass fills
 *       the axis-aligned box (square), the rotated box (diamond) or neither (circle). It plays the role of
 *       the spec's fill ratio, which is also measured and reported, but unlike a box-based fill ratio it does
 *       not drift under blur: a symmetric blur kernel adds nothing to third and fourth cumulants.</li>
 *   <li>Size from the area (the pixel count weighted by coverage) against the shape's small and large areas
 *       (a factor of 4 apart), position from the
 *       coverage centroid (moved to the bounding-box centre for the triangle) snapped to the 3 x 3 grid.</li>
 * </ol>
 */
public final class Analyzer {

    /** Largest RGB distance of the median border colour from its palette background. */
    static final double BACKGROUND_TOLERANCE = 70;
    /** Fraction of border pixels that must lie near the median border colour (objects may cover the rest). */
    static final double BORDER_AGREEMENT = 0.5;
    /** RGB distance from the background beyond which a pixel takes part in the colour fit. */
    static final double CANDIDATE_DISTANCE = 40;
    /** Largest RMS residual of the colour fit: beyond it the object is not one palette colour. */
    static final double COLOR_RESIDUAL_LIMIT = 60;
    /** Thresholds on RGB distances are at least this many noise standard deviations. */
    static final double NOISE_MULTIPLE = 4;
    /** Residual beyond which a candidate pixel counts as a foreign colour. */
    static final double FOREIGN_RESIDUAL = 60;
    /** Half the up-down asymmetry of the triangle (-0.0210); symmetric shapes measure 0. */
    static final double TRIANGLE_SYMMETRY = 0.0105;
    /** Half the squareness of the square (+1/240) and of the diamond (-1/240); the circle measures 0. */
    static final double SQUARENESS_LIMIT = 1.0 / 480;
    /** Smallest accepted object area in pixels (clean renders: 98 to 784). */
    static final double MIN_AREA = 40;
    /** Largest accepted object area in pixels. */
    static final double MAX_AREA = 1300;

    private static final int N = Renderer.IMAGE_SIZE;

    private Analyzer() {
    }

    /** Analyzes a 64 x 64 {@link BufferedImage}. */
    public static Analysis analyze(BufferedImage image) {
        return analyze(Renderer.toBytes(image));
    }

    /** Analyzes a 64 x 64 image given as H x W x RGB bytes. */
    public static Analysis analyze(byte[] rgb) {
        Renderer.checkImageBytes(rgb);
        double[] pixels = new double[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            pixels[i] = rgb[i] & 0xFF;
        }
        return analyzePixels(pixels);
    }

    /**
     * Analyzes a 64 x 64 image given as H x W x RGB values on the 0..255 scale (values outside it are allowed,
     * as a decoder may produce them).
     */
    public static Analysis analyze(double[] rgb) {
        if (rgb == null || rgb.length != Renderer.IMAGE_BYTES) {
            throw new IllegalArgumentException("expected " + Renderer.IMAGE_BYTES
                    + " values (64 x 64 x RGB on 0..255), got " + (rgb == null ? "null" : rgb.length));
        }
        return analyzePixels(rgb.clone());
    }

    private static Analysis analyzePixels(double[] px) {
        // 1. Background.
        double[] bgMeasured = borderMedian(px);
        Background background = nearestBackground(bgMeasured);
        double bgDistance = Math.sqrt(background.rgb().squaredDistance(bgMeasured[0], bgMeasured[1], bgMeasured[2]));
        if (bgDistance > BACKGROUND_TOLERANCE) {
            return reject(String.format("border colour (%.0f, %.0f, %.0f) is %.0f from the nearest palette "
                    + "background %s; at most %.0f expected", bgMeasured[0], bgMeasured[1], bgMeasured[2],
                    bgDistance, background.word(), BACKGROUND_TOLERANCE));
        }
        // Thresholds grow with the pixel noise measured on the border, so noisy images keep their object.
        double noise = borderNoise(px, bgMeasured);
        double candidateDistance = Math.max(CANDIDATE_DISTANCE, NOISE_MULTIPLE * noise);
        double residualLimit = Math.max(COLOR_RESIDUAL_LIMIT, 2.5 * noise);
        double foreignResidual = Math.max(FOREIGN_RESIDUAL, NOISE_MULTIPLE * noise);
        double borderAgreement = borderAgreement(px, bgMeasured, candidateDistance);
        if (borderAgreement < BORDER_AGREEMENT) {
            return reject(String.format("only %.0f%% of border pixels match the background; at least %.0f%% expected "
                    + "for a plain background", 100 * borderAgreement, 100 * BORDER_AGREEMENT));
        }

        // 2. Object colour by fitting blend lines.
        int pixelCount = N * N;
        boolean[] candidate = new boolean[pixelCount];
        int candidates = 0;
        for (int i = 0; i < pixelCount; i++) {
            double d2 = sq(px[3 * i] - bgMeasured[0]) + sq(px[3 * i + 1] - bgMeasured[1]) + sq(px[3 * i + 2] - bgMeasured[2]);
            if (d2 > candidateDistance * candidateDistance) {
                candidate[i] = true;
                candidates++;
            }
        }
        if (candidates < MIN_AREA / 4) {
            return rejectOn(background, null, "no object: " + candidates
                    + " pixels differ from the background, at least "
                    + (int) (MIN_AREA / 4) + " expected");
        }
        Color color = null;
        double bestResidual = Double.POSITIVE_INFINITY;
        for (Color c : Color.values()) {
            double residual = lineResidual(px, candidate, bgMeasured, c.rgb(), Double.POSITIVE_INFINITY)[0];
            if (residual < bestResidual) {
                bestResidual = residual;
                color = c;
            }
        }
        double rmsResidual = Math.sqrt(bestResidual / candidates);
        if (rmsResidual > residualLimit) {
            return rejectOn(background, null, String.format(
                    "object pixels are %.0f (RMS) from the nearest palette colour %s; at most "
                    + "%.0f expected for one palette colour", rmsResidual, color.word(), residualLimit));
        }
        int foreign = (int) lineResidual(px, candidate, bgMeasured, color.rgb(), foreignResidual)[1];
        if (foreign > Math.max(8, candidates / 10)) {
            return rejectOn(background, null, foreign + " of " + candidates + " object pixels are not "
                    + color.word()
                    + ": more than one colour");
        }

        // 3. Coverage along the chosen line.
        double[] coverage = coverage(px, bgMeasured, color.rgb());
        boolean[] mask = new boolean[pixelCount];
        for (int i = 0; i < pixelCount; i++) {
            mask[i] = coverage[i] >= 0.5;
        }

        // 4. One significant component.
        int[] labels = new int[pixelCount];
        int[] componentSizes = label(mask, labels);
        if (componentSizes.length == 0) {
            return rejectOn(background, color, "no object: no pixel is at least half " + color.word());
        }
        int main = 0;
        for (int k = 1; k < componentSizes.length; k++) {
            if (componentSizes[k] > componentSizes[main]) {
                main = k;
            }
        }
        int significant = 0;
        for (int size : componentSizes) {
            if (size >= Math.max(4, componentSizes[main] / 20)) {
                significant++;
            }
        }
        if (significant > 1) {
            return rejectOn(background, color, significant + " separate " + color.word()
                    + " regions; exactly one object expected");
        }
        double saturation = interiorMedian(coverage, labels, main + 1);
        for (int i = 0; i < pixelCount; i++) {
            coverage[i] /= saturation;
        }

        // 5. Features over the component's box, widened so blurred edges count.
        int[] box = boundingBox(labels, main + 1, REGION_MARGIN);
        double[] weights = regionWeights(coverage, labels, main + 1);
        ShapeFeatures features = measure(weights, box, rmsResidual);
        if (features.area() < MIN_AREA || features.area() > MAX_AREA) {
            return rejectOn(background, color, String.format(
                    "object area %.0f px is outside the accepted %.0f..%.0f px",
                    features.area(), MIN_AREA, MAX_AREA));
        }
        Shape shape;
        if (features.symmetry() < -TRIANGLE_SYMMETRY) {
            shape = Shape.TRIANGLE;
        } else if (features.symmetry() > TRIANGLE_SYMMETRY) {
            return rejectOn(background, color, String.format(
                    "object is up-down asymmetric (%.4f) the wrong way round, like an apex-down "
                    + "triangle; the world has apex-up triangles (below %.4f) and symmetric shapes",
                    features.symmetry(), -TRIANGLE_SYMMETRY));
        } else if (features.squareness() > SQUARENESS_LIMIT) {
            shape = Shape.SQUARE;
        } else if (features.squareness() < -SQUARENESS_LIMIT) {
            shape = Shape.DIAMOND;
        } else {
            shape = Shape.CIRCLE;
        }
        double smallArea = shape.fillRatio() * Size.SMALL.extent() * Size.SMALL.extent();
        // Small and large areas differ by a factor of 4; split at the geometric mean.
        Size size = features.area() < 2 * smallArea ? Size.SMALL : Size.LARGE;

        double centerX = features.centroidX();
        // A triangle's centroid lies a sixth of its side below the centre of its box; side^2 = 2 * area.
        double centerY = shape == Shape.TRIANGLE
                ? features.centroidY() - Math.sqrt(2 * features.area()) / 6
                : features.centroidY();
        Position position = Position.nearest(centerX, centerY);
        return new Analysis.Found(new SceneAttributes(background, color, shape, size, position), centerX, centerY,
                features);
    }

    private static Analysis reject(String reason) {
        return new Analysis.NoSingleObject(reason);
    }

    /** A rejection that keeps what was recognized before it (color null when not yet fitted). */
    private static Analysis rejectOn(Background background, Color color, String reason) {
        return new Analysis.NoSingleObject(reason, Optional.of(background), Optional.ofNullable(color));
    }

    private static double[] borderMedian(double[] px) {
        int count = 4 * N - 4;
        double[][] channels = new double[3][count];
        int k = 0;
        for (int y = 0; y < N; y++) {
            for (int x = 0; x < N; x++) {
                if (y == 0 || y == N - 1 || x == 0 || x == N - 1) {
                    int p = 3 * (y * N + x);
                    for (int c = 0; c < 3; c++) {
                        channels[c][k] = px[p + c];
                    }
                    k++;
                }
            }
        }
        double[] median = new double[3];
        for (int c = 0; c < 3; c++) {
            Arrays.sort(channels[c]);
            median[c] = 0.5 * (channels[c][count / 2 - 1] + channels[c][count / 2]);
        }
        return median;
    }

    /**
     * Per-channel standard deviation of pixel noise, from the median distance of border pixels to the border
     * colour (for 3-D Gaussian noise that median is 1.538 sigma); robust to an object covering some border.
     */
    private static double borderNoise(double[] px, double[] bg) {
        double[] distances = new double[4 * N - 4];
        int k = 0;
        for (int y = 0; y < N; y++) {
            for (int x = 0; x < N; x++) {
                if (y == 0 || y == N - 1 || x == 0 || x == N - 1) {
                    int p = 3 * (y * N + x);
                    distances[k++] = Math.sqrt(sq(px[p] - bg[0]) + sq(px[p + 1] - bg[1]) + sq(px[p + 2] - bg[2]));
                }
            }
        }
        Arrays.sort(distances);
        return distances[distances.length / 2] / 1.538;
    }

    private static double borderAgreement(double[] px, double[] bg, double candidateDistance) {
        int near = 0;
        int total = 0;
        for (int y = 0; y < N; y++) {
            for (int x = 0; x < N; x++) {
                if (y == 0 || y == N - 1 || x == 0 || x == N - 1) {
                    int p = 3 * (y * N + x);
                    double d2 = sq(px[p] - bg[0]) + sq(px[p + 1] - bg[1]) + sq(px[p + 2] - bg[2]);
                    if (d2 <= candidateDistance * candidateDistance) {
                        near++;
                    }
                    total++;
                }
            }
        }
        return near / (double) total;
    }

    private static Background nearestBackground(double[] rgb) {
        Background best = Background.BLACK;
        for (Background b : Background.values()) {
            if (b.rgb().squaredDistance(rgb[0], rgb[1], rgb[2]) < best.rgb().squaredDistance(rgb[0], rgb[1], rgb[2])) {
                best = b;
            }
        }
        return best;
    }

    /**
     * Sum of squared residuals of candidate pixels from the segment bg..target, and the number of candidates
     * whose residual exceeds {@code foreignLimit}.
     */
    private static double[] lineResidual(double[] px, boolean[] candidate, double[] bg, Rgb target,
                                         double foreignLimit) {
        double vr = target.r() - bg[0];
        double vg = target.g() - bg[1];
        double vb = target.b() - bg[2];
        double vv = vr * vr + vg * vg + vb * vb;
        double sum = 0;
        int foreign = 0;
        for (int i = 0; i < candidate.length; i++) {
            if (!candidate[i]) {
                continue;
            }
            double dr = px[3 * i] - bg[0];
            double dg = px[3 * i + 1] - bg[1];
            double db = px[3 * i + 2] - bg[2];
            double t = vv > 0 ? Math.max(0, Math.min(1, (dr * vr + dg * vg + db * vb) / vv)) : 0;
            double r2 = sq(dr - t * vr) + sq(dg - t * vg) + sq(db - t * vb);
            sum += r2;
            if (r2 > foreignLimit * foreignLimit) {
                foreign++;
            }
        }
        return new double[] {sum, foreign};
    }

    private static double[] coverage(double[] px, double[] bg, Rgb target) {
        double vr = target.r() - bg[0];
        double vg = target.g() - bg[1];
        double vb = target.b() - bg[2];
        double vv = vr * vr + vg * vg + vb * vb;
        double[] coverage = new double[N * N];
        for (int i = 0; i < coverage.length; i++) {
            // Unclamped on purpose: pixel noise then averages out of the area and the moments.
            coverage[i] = ((px[3 * i] - bg[0]) * vr + (px[3 * i + 1] - bg[1]) * vg + (px[3 * i + 2] - bg[2]) * vb) / vv;
        }
        return coverage;
    }

    /** Labels 8-connected components of the mask (labels from 1) and returns their sizes. */
    private static int[] label(boolean[] mask, int[] labels) {
        int[] sizes = new int[16];
        int count = 0;
        int[] queue = new int[mask.length];
        for (int start = 0; start < mask.length; start++) {
            if (!mask[start] || labels[start] != 0) {
                continue;
            }
            count++;
            if (count > sizes.length) {
                sizes = Arrays.copyOf(sizes, 2 * sizes.length);
            }
            int head = 0;
            int tail = 0;
            queue[tail++] = start;
            labels[start] = count;
            while (head < tail) {
                int p = queue[head++];
                int py = p / N;
                int pxl = p % N;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int ny = py + dy;
                        int nx = pxl + dx;
                        if (ny < 0 || ny >= N || nx < 0 || nx >= N) {
                            continue;
                        }
                        int q = ny * N + nx;
                        if (mask[q] && labels[q] == 0) {
                            labels[q] = count;
                            queue[tail++] = q;
                        }
                    }
                }
            }
            sizes[count - 1] = tail;
        }
        return Arrays.copyOf(sizes, count);
    }

    /**
     * Median coverage of the component's interior (pixels whose four neighbours are in it), clamped to
     * [0.8, 1.25]: 1 on clean renders, the object's contrast relative to the palette under drift.
     */
    private static double interiorMedian(double[] coverage, int[] labels, int label) {
        double[] values = new double[coverage.length];
        int count = 0;
        for (int y = 1; y < N - 1; y++) {
            for (int x = 1; x < N - 1; x++) {
                int i = y * N + x;
                if (labels[i] == label && labels[i - 1] == label && labels[i + 1] == label
                        && labels[i - N] == label && labels[i + N] == label) {
                    values[count++] = coverage[i];
                }
            }
        }
        if (count == 0) {
            return 1;
        }
        Arrays.sort(values, 0, count);
        double median = count % 2 == 1 ? values[count / 2] : 0.5 * (values[count / 2 - 1] + values[count / 2]);
        return Math.max(0.8, Math.min(1.25, median));
    }

    /** Radius, in pixels, by which the object's region is grown so blurred edges and tails are measured. */
    static final int REGION_MARGIN = 4;

    /**
     * Coverage restricted to pixels within {@link #REGION_MARGIN} (Euclidean) of the component, zero elsewhere.
     * The region follows the object's outline, so background noise and blur tails it takes in are spread
     * like the shape itself and do not bias the shape measures towards the box.
     */
    private static double[] regionWeights(double[] coverage, int[] labels, int label) {
        boolean[] region = new boolean[coverage.length];
        int r = REGION_MARGIN;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] != label) {
                continue;
            }
            int x = i % N;
            int y = i / N;
            for (int dy = -r; dy <= r; dy++) {
                for (int dx = -r; dx <= r; dx++) {
                    int nx = x + dx;
                    int ny = y + dy;
                    if (dx * dx + dy * dy <= r * r && nx >= 0 && nx < N && ny >= 0 && ny < N) {
                        region[ny * N + nx] = true;
                    }
                }
            }
        }
        double[] weights = new double[coverage.length];
        for (int i = 0; i < coverage.length; i++) {
            if (region[i]) {
                // Clamped: inside the region, noise beyond full or no coverage is never signal.
                weights[i] = Math.max(0, Math.min(1, coverage[i]));
            }
        }
        return weights;
    }

    /** {x0, y0, x1, y1} inclusive box of the labelled component, widened by {@code margin}, clipped. */
    private static int[] boundingBox(int[] labels, int label, int margin) {
        int x0 = N;
        int y0 = N;
        int x1 = -1;
        int y1 = -1;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == label) {
                int x = i % N;
                int y = i / N;
                x0 = Math.min(x0, x);
                x1 = Math.max(x1, x);
                y0 = Math.min(y0, y);
                y1 = Math.max(y1, y);
            }
        }
        return new int[] {Math.max(0, x0 - margin), Math.max(0, y0 - margin),
                Math.min(N - 1, x1 + margin), Math.min(N - 1, y1 + margin)};
    }

    private static ShapeFeatures measure(double[] coverage, int[] box, double colorResidual) {
        double area = 0;
        double sumX = 0;
        double sumY = 0;
        for (int y = box[1]; y <= box[3]; y++) {
            for (int x = box[0]; x <= box[2]; x++) {
                double w = coverage[y * N + x];
                area += w;
                sumX += w * (x + 0.5);
                sumY += w * (y + 0.5);
            }
        }
        double meanX = sumX / area;
        double meanY = sumY / area;
        // Central moments along x, y and the two diagonals u = (x + y) / sqrt 2, v = (x - y) / sqrt 2.
        double[] m2 = new double[4];
        double[] m3 = new double[4];
        double[] m4 = new double[4];
        double root = Math.sqrt(0.5);
        for (int y = box[1]; y <= box[3]; y++) {
            double dy = y + 0.5 - meanY;
            for (int x = box[0]; x <= box[2]; x++) {
                double w = coverage[y * N + x];
                double dx = x + 0.5 - meanX;
                double[] d = {dx, dy, root * (dx + dy), root * (dx - dy)};
                for (int k = 0; k < 4; k++) {
                    double d2 = d[k] * d[k];
                    m2[k] += w * d2;
                    m3[k] += w * d2 * d[k];
                    m4[k] += w * d2 * d2;
                }
            }
        }
        double[] kappa4 = new double[4];
        for (int k = 0; k < 4; k++) {
            m2[k] /= area;
            m3[k] /= area;
            m4[k] /= area;
            kappa4[k] = m4[k] - 3 * m2[k] * m2[k];
        }
        double skewness = m3[1] / Math.pow(area, 1.5);
        double squareness = (kappa4[2] + kappa4[3] - kappa4[0] - kappa4[1]) / (2 * area * area);
        double width = 0;
        for (int x = box[0]; x <= box[2]; x++) {
            double max = 0;
            for (int y = box[1]; y <= box[3]; y++) {
                max = Math.max(max, coverage[y * N + x]);
            }
            width += Math.min(1, max);
        }
        double height = 0;
        for (int y = box[1]; y <= box[3]; y++) {
            double max = 0;
            for (int x = box[0]; x <= box[2]; x++) {
                max = Math.max(max, coverage[y * N + x]);
            }
            height += Math.min(1, max);
        }
        return new ShapeFeatures(area, meanX, meanY, width, height, area / (width * height), skewness, squareness,
                colorResidual);
    }

    private static double sq(double v) {
        return v * v;
    }
}
