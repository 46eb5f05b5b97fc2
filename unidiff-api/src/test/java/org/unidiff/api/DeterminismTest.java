package org.unidiff.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Same seed, same output; other seeds, other outputs; batches and threads change nothing. */
class DeterminismTest {

    private static Unidiff unidiff;

    @BeforeAll
    static void open() {
        unidiff = TinyBundle.open();
    }

    @AfterAll
    static void close() {
        unidiff.close();
    }

    private static TextToImageRequest t2i(long seed, int outputs) {
        return new TextToImageRequest("a large red circle", TinyBundle.fast(seed).withOutputs(outputs));
    }

    @Test
    void sameSeedGivesSameImageAndOtherSeedsDiffer() {
        BufferedImage a = unidiff.textToImage(t2i(11, 1)).image();
        BufferedImage b = unidiff.textToImage(t2i(11, 1)).image();
        BufferedImage c = unidiff.textToImage(t2i(12, 1)).image();
        assertTrue(TinyBundle.samePixels(a, b), "same seed must give identical pixels");
        assertFalse(TinyBundle.samePixels(a, c), "different seeds must give different images");
    }

    @Test
    void outputsOfABatchDoNotDependOnBatchSize() {
        List<BufferedImage> two = unidiff.textToImage(t2i(5, 2)).images();
        List<BufferedImage> three = unidiff.textToImage(t2i(5, 3)).images();
        assertEquals(2, two.size());
        assertEquals(3, three.size());
        assertTrue(TinyBundle.samePixels(two.get(0), three.get(0)), "output 0 must not depend on the batch size");
        assertTrue(TinyBundle.samePixels(two.get(1), three.get(1)), "output 1 must not depend on the batch size");
        assertFalse(TinyBundle.samePixels(three.get(0), three.get(1)), "outputs of one batch must differ");
    }

    @Test
    void captionsAreDeterministic() {
        BufferedImage input = TinyBundle.gradient(80, 64);
        ImageToTextRequest r = new ImageToTextRequest(input, TinyBundle.fast(3).withOutputs(2));
        assertEquals(unidiff.imageToText(r).texts(), unidiff.imageToText(r).texts());
    }

    @Test
    void fourConcurrentThreadsGiveTheSequentialResults() throws Exception {
        List<Callable<Object>> calls = new ArrayList<>();
        calls.add(() -> unidiff.textToImage(t2i(21, 1)).image());
        calls.add(() -> unidiff.textToImage(new TextToImageRequest("a small blue square at the top",
                TinyBundle.fast(22))).image());
        calls.add(() -> unidiff.imageToText(new ImageToTextRequest(TinyBundle.gradient(64, 64),
                TinyBundle.fast(23))).text());
        calls.add(() -> unidiff.joint(new JointRequest(TinyBundle.fast(24))).texts().get(0));
        List<Object> sequential = new ArrayList<>();
        for (Callable<Object> c : calls) {
            sequential.add(c.call());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 2; round++) {
                List<Future<Object>> futures = new ArrayList<>();
                for (Callable<Object> c : calls) {
                    futures.add(pool.submit(c));
                }
                for (int i = 0; i < calls.size(); i++) {
                    Object concurrent = futures.get(i).get();
                    if (concurrent instanceof BufferedImage img) {
                        assertTrue(TinyBundle.samePixels((BufferedImage) sequential.get(i), img),
                                "call " + i + " differs when run concurrently");
                    } else {
                        assertEquals(sequential.get(i), concurrent, "call " + i + " differs when run concurrently");
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
