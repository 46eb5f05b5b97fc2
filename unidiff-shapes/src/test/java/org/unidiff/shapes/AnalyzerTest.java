package org.unidiff.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class AnalyzerTest {

    private static final int N = Renderer.IMAGE_SIZE;

    private static SceneAttributes found(byte[] image) {
        Analysis analysis = Analyzer.analyze(image);
        if (analysis instanceof Analysis.NoSingleObject rejected) {
            throw new AssertionError("analyzer rejected a render: " + rejected.reason());
        }
        return ((Analysis.Found) analysis).scene();
    }

    @Test
    void recoversEveryOneOfThe1296CenteredScenes() {
        List<Scene> all = Scene.allCentered();
        assertEquals(1296, all.size());
        for (Scene scene : all) {
            assertEquals(SceneAttributes.of(scene), found(Renderer.renderBytes(scene)), scene.toString());
        }
    }

    @Test
    void recoversFiveThousandRandomJitteredRenders() {
        SplittableRandom random = new SplittableRandom(20);
        SceneSampler sampler = SceneSampler.forEvaluation();
        for (int i = 0; i < 5000; i++) {
            Scene scene = sampler.sample(random);
            assertEquals(SceneAttributes.of(scene), found(Renderer.renderBytes(scene)), scene.toString());
        }
    }

    @Test
    void recoversEveryCombinationAtTheFourExtremeJitters() {
        // Objects 3 px off their cell centre: large shapes then touch or cross the image border.
        double[][] corners = {{-3, -3}, {-3, 3}, {3, -3}, {3, 3}};
        for (Scene centered : Scene.allCentered()) {
            for (double[] d : corners) {
                Scene scene = centered.withCenter(centered.centerX() + d[0], centered.centerY() + d[1]);
                assertEquals(SceneAttributes.of(scene), found(Renderer.renderBytes(scene)), scene.toString());
            }
        }
    }

    @Test
    void measuresTheAnalyticFeaturesOfCleanShapes() {
        // Large shapes at the centre, compared with the continuous shapes' exact values.
        ShapeFeatures square = features(Shape.SQUARE);
        ShapeFeatures circle = features(Shape.CIRCLE);
        ShapeFeatures triangle = features(Shape.TRIANGLE);
        ShapeFeatures diamond = features(Shape.DIAMOND);
        assertEquals(784, square.area(), 0.5);
        assertEquals(Math.PI * 196, circle.area(), 1.0);
        assertEquals(392, triangle.area(), 0.5);
        assertEquals(392, diamond.area(), 0.5);
        assertEquals(1.0 / 240, square.squareness(), 0.02 / 240);
        assertEquals(-1.0 / 240, diamond.squareness(), 0.03 / 240);
        assertEquals(0, circle.squareness(), 0.1 / 240);
        // Right-triangular vertical profile: skewness -2 sqrt(2) / 5, variance h^2 / 18, area h^2 / 2.
        double triangleSymmetry = -2 * Math.sqrt(2) / 5 * Math.pow(1.0 / 18, 1.5) / Math.pow(0.5, 1.5);
        assertEquals(triangleSymmetry, triangle.symmetry(), 0.02 * Math.abs(triangleSymmetry));
        assertEquals(0, diamond.symmetry(), 1e-4);
        assertEquals(1.0, square.fillRatio(), 0.01);
        assertEquals(Math.PI / 4, circle.fillRatio(), 0.02);
        // Sub-pixel extents come from the largest coverage per row or column, which the thin tips undercount.
        assertEquals(0.5, triangle.fillRatio(), 0.05);
        assertEquals(0.5, diamond.fillRatio(), 0.05);
    }

    private static ShapeFeatures features(Shape shape) {
        Scene scene = Scene.centered(Background.BLACK, Color.YELLOW, shape, Size.LARGE, Position.CENTER);
        Analysis.Found found = (Analysis.Found) Analyzer.analyze(Renderer.renderBytes(scene));
        // The box centre is recovered, the triangle's included (its centroid sits h/6 lower).
        assertEquals(32, found.centerX(), 0.05);
        assertEquals(32, found.centerY(), 0.05);
        return found.features();
    }

    /** Accuracy over every combination, jittered, after a degradation. */
    private static double accuracy(long seed, UnaryOperator<double[]> degrade) {
        SplittableRandom random = new SplittableRandom(seed);
        int correct = 0;
        List<Scene> scenes = new ArrayList<>();
        for (Scene c : Scene.allCentered()) {
            scenes.add(Scene.jittered(c.background(), c.color(), c.shape(), c.size(), c.position(), random));
        }
        for (Scene scene : scenes) {
            double[] image = degrade.apply(Degradations.toDoubles(Renderer.renderBytes(scene)));
            Analysis analysis = Analyzer.analyze(Degradations.toBytes(image));
            if (analysis.attributes().filter(a -> a.equals(SceneAttributes.of(scene))).isPresent()) {
                correct++;
            }
        }
        return correct / (double) scenes.size();
    }

    @Test
    void toleratesGaussianBlurUpToTwoPixels() {
        assertEquals(1.0, accuracy(1, img -> Degradations.gaussianBlur(img, 1.0)));
        assertEquals(1.0, accuracy(2, img -> Degradations.gaussianBlur(img, 2.0)));
    }

    @Test
    void toleratesColourShiftsOfTwentyFivePerChannel() {
        assertEquals(1.0, accuracy(3, img -> Degradations.shift(img, 25, 25, 25)));
        assertEquals(1.0, accuracy(4, img -> Degradations.shift(img, -25, -25, -25)));
        assertEquals(1.0, accuracy(5, img -> Degradations.shift(img, 20, -20, 10)));
    }

    @Test
    void toleratesPixelNoiseAndCombinedDrift() {
        SplittableRandom noise = new SplittableRandom(9);
        assertEquals(1.0, accuracy(6, img -> Degradations.noise(img, 10, noise)));
        assertEquals(1.0, accuracy(7, img -> Degradations.noise(
                Degradations.shift(Degradations.gaussianBlur(img, 1.0), 15, 15, 15), 8, noise)));
    }

    @Test
    void heavyDegradationEventuallyFails() {
        // Guards against an analyzer that accepts anything: a 4 px blur erases small shapes' corners.
        assertTrue(accuracy(8, img -> Degradations.gaussianBlur(img, 4.0)) < 0.9);
    }

    @Test
    void rejectsImagesWithoutExactlyOneObject() {
        Scene red = Scene.centered(Background.GRAY, Color.RED, Shape.CIRCLE, Size.SMALL, Position.TOP_LEFT);
        Scene redRight = Scene.centered(Background.GRAY, Color.RED, Shape.SQUARE, Size.SMALL, Position.BOTTOM_RIGHT);
        Scene blueRight = Scene.centered(Background.GRAY, Color.BLUE, Shape.SQUARE, Size.SMALL, Position.BOTTOM_RIGHT);

        assertRejected(plain(128, 128, 128), "no object");
        assertRejected(overlay(Renderer.renderBytes(red), Renderer.renderBytes(redRight)), "separate");
        assertRejected(overlay(Renderer.renderBytes(red), Renderer.renderBytes(blueRight)), "colour");
        assertRejected(plain(40, 120, 220), "background");
        SplittableRandom random = new SplittableRandom(3);
        byte[] noise = new byte[Renderer.IMAGE_BYTES];
        random.nextBytes(noise);
        assertInstanceOf(Analysis.NoSingleObject.class, Analyzer.analyze(noise));
        Scene triangle = Scene.centered(Background.BLACK, Color.GREEN, Shape.TRIANGLE, Size.LARGE, Position.CENTER);
        assertRejected(flipVertically(Renderer.renderBytes(triangle)), "apex-down");
    }

    @Test
    void rejectionsKeepTheBackgroundAndColourRecognizedBeforeThem() {
        Scene red = Scene.centered(Background.GRAY, Color.RED, Shape.CIRCLE, Size.SMALL, Position.TOP_LEFT);
        Scene redRight = Scene.centered(Background.GRAY, Color.RED, Shape.SQUARE, Size.SMALL, Position.BOTTOM_RIGHT);
        Scene blueRight = Scene.centered(Background.GRAY, Color.BLUE, Shape.SQUARE, Size.SMALL, Position.BOTTOM_RIGHT);

        Analysis twoRed = Analyzer.analyze(overlay(Renderer.renderBytes(red), Renderer.renderBytes(redRight)));
        assertTrue(twoRed.attributes().isEmpty());
        assertEquals(java.util.Optional.of(Background.GRAY), twoRed.background());
        assertEquals(java.util.Optional.of(Color.RED), twoRed.color());

        Analysis twoColours = Analyzer.analyze(overlay(Renderer.renderBytes(red), Renderer.renderBytes(blueRight)));
        assertEquals(java.util.Optional.of(Background.GRAY), twoColours.background());
        assertTrue(twoColours.color().isEmpty(), "two colours have no one colour");

        Analysis empty = Analyzer.analyze(plain(255, 255, 255));
        assertEquals(java.util.Optional.of(Background.WHITE), empty.background());
        assertTrue(empty.color().isEmpty());

        Analysis notABackground = Analyzer.analyze(plain(40, 120, 220));
        assertTrue(notABackground.background().isEmpty() && notABackground.color().isEmpty());

        Scene found = Scene.centered(Background.BLACK, Color.YELLOW, Shape.SQUARE, Size.LARGE, Position.CENTER);
        Analysis ok = Analyzer.analyze(Renderer.renderBytes(found));
        assertEquals(java.util.Optional.of(Background.BLACK), ok.background());
        assertEquals(java.util.Optional.of(Color.YELLOW), ok.color());
    }

    @Test
    void rejectsWronglySizedInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Analyzer.analyze(new byte[64 * 64]));
        assertTrue(e.getMessage().contains("12288"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Analyzer.analyze(new double[5]));
    }

    @Test
    void acceptsBufferedImagesAndDoubleArraysAlike() {
        Scene scene = Scene.centered(Background.WHITE, Color.PURPLE, Shape.DIAMOND, Size.SMALL, Position.LEFT);
        assertEquals(SceneAttributes.of(scene), Analyzer.analyze(Renderer.renderImage(scene)).attributes().orElseThrow());
        assertEquals(SceneAttributes.of(scene),
                Analyzer.analyze(Degradations.toDoubles(Renderer.renderBytes(scene))).attributes().orElseThrow());
    }

    private static void assertRejected(byte[] image, String reasonPart) {
        Analysis analysis = Analyzer.analyze(image);
        assertInstanceOf(Analysis.NoSingleObject.class, analysis, "expected a rejection, got " + analysis);
        String reason = ((Analysis.NoSingleObject) analysis).reason();
        assertTrue(reason.contains(reasonPart), "reason '" + reason + "' should mention '" + reasonPart + "'");
    }

    private static byte[] plain(int r, int g, int b) {
        byte[] image = new byte[Renderer.IMAGE_BYTES];
        for (int i = 0; i < N * N; i++) {
            image[3 * i] = (byte) r;
            image[3 * i + 1] = (byte) g;
            image[3 * i + 2] = (byte) b;
        }
        return image;
    }

    /** Copies every pixel of {@code top} that differs from its background (taken at pixel 0) onto {@code base}. */
    private static byte[] overlay(byte[] base, byte[] top) {
        byte[] out = base.clone();
        for (int i = 0; i < N * N; i++) {
            if (top[3 * i] != top[0] || top[3 * i + 1] != top[1] || top[3 * i + 2] != top[2]) {
                System.arraycopy(top, 3 * i, out, 3 * i, 3);
            }
        }
        return out;
    }

    private static byte[] flipVertically(byte[] image) {
        byte[] out = new byte[image.length];
        for (int y = 0; y < N; y++) {
            System.arraycopy(image, 3 * N * y, out, 3 * N * (N - 1 - y), 3 * N);
        }
        return out;
    }
}
