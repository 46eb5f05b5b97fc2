package org.unidiff.api;

import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.core.UnidiffOptions;

import java.awt.image.BufferedImage;
import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * The random-weight tiny bundle in test resources, exported by
 * {@code models/export_bundle.py --random tiny}: it honours the contract but its outputs mean
 * nothing, so tests on it check mechanics (determinism, batching, threads, cancellation,
 * validation), not quality.
 */
final class TinyBundle {

    private TinyBundle() {
    }

    static Path path() {
        try {
            return Path.of(TinyBundle.class.getResource("/random-tiny-bundle/unidiff.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Unidiff open() {
        return Unidiff.open(UnidiffOptions.defaults().withBundle(path()));
    }

    /** Few steps keep the tests quick; the mechanics do not depend on the count. */
    static SamplingOptions fast(long seed) {
        return SamplingOptions.defaults().withSeed(seed).withSteps(6);
    }

    static boolean samePixels(BufferedImage a, BufferedImage b) {
        if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
            return false;
        }
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                if (a.getRGB(x, y) != b.getRGB(x, y)) {
                    return false;
                }
            }
        }
        return true;
    }

    static BufferedImage gradient(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, ((x * 255 / w) << 16) | ((y * 255 / h) << 8) | 128);
            }
        }
        return img;
    }
}
