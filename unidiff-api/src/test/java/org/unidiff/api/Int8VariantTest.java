package org.unidiff.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The int8 transformer variant ({@code models/optimize_transformer.py --mode int8}: folded shapes,
 * onnxruntime's fusions, dynamic int8 MatMuls) runs in ONNX Runtime Java through the library, and
 * it is really int8: the image is deterministic, differs from the fp32 transformer's, and stays far
 * closer to it than another seed's image does.
 */
class Int8VariantTest {

    @TempDir
    Path temp;

    /** The tiny bundle with the int8 variant of its transformer, made by
     * {@code optimize_transformer.py --bundle .../random-tiny-bundle --mode int8 --heads 4 --width 32}. */
    private Path int8Bundle() throws IOException {
        Path source = TinyBundle.path();
        Path target = temp.resolve("tiny-int8");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path dest = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
        try (InputStream in = Int8VariantTest.class.getResourceAsStream("/int8-tiny-transformer.onnx")) {
            Files.copy(in, target.resolve("transformer/model.onnx"), StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    private static BufferedImage image(Unidiff unidiff, long seed) {
        return unidiff.textToImage(new TextToImageRequest("a large red circle", TinyBundle.fast(seed))).image();
    }

    /** Mean absolute difference over the RGB channels of every pixel, in 8-bit levels. */
    private static double meanDifference(BufferedImage a, BufferedImage b) {
        long sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs(((p >> shift) & 0xff) - ((q >> shift) & 0xff));
                }
            }
        }
        return sum / (3.0 * a.getWidth() * a.getHeight());
    }

    @Test
    void int8TransformerRunsDeterministicallyAndStaysCloseToFp32() throws IOException {
        BufferedImage fp32;
        BufferedImage otherSeed;
        try (Unidiff unidiff = TinyBundle.open()) {
            fp32 = image(unidiff, 11);
            otherSeed = image(unidiff, 12);
        }
        BufferedImage int8;
        BufferedImage again;
        try (Unidiff unidiff = Unidiff.open(UnidiffOptions.defaults().withBundle(int8Bundle()))) {
            int8 = image(unidiff, 11);
            again = image(unidiff, 11);
        }
        assertTrue(TinyBundle.samePixels(int8, again), "the int8 variant must be deterministic for a seed");
        assertFalse(TinyBundle.samePixels(int8, fp32), "the int8 variant must not be the fp32 transformer");
        double quantization = meanDifference(int8, fp32);
        double seed = meanDifference(otherSeed, fp32);
        assertTrue(quantization < 0.05 * seed,
                "int8 moved the image by " + quantization + " levels on average; another seed moves it by " + seed);
    }
}
