package org.unidiff.api;

import org.unidiff.api.core.CancellationToken;
import org.unidiff.api.core.GenerationCancelledException;
import org.unidiff.api.core.RunControl;
import org.unidiff.api.core.SamplingOptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Cancellation stops within one model evaluation and leaves the pipeline usable. */
class CancellationTest {

    private static Unidiff unidiff;

    @BeforeAll
    static void open() {
        unidiff = TinyBundle.open();
    }

    @AfterAll
    static void close() {
        unidiff.close();
    }

    @Test
    void cancelDuringSamplingStopsBeforeTheNextEvaluation() {
        TextToImageRequest request = new TextToImageRequest("a red circle",
                SamplingOptions.defaults().withSeed(4).withSteps(20));
        CancellationToken token = new CancellationToken();
        AtomicInteger reports = new AtomicInteger();
        RunControl control = new RunControl(p -> {
            if (reports.incrementAndGet() == 3) {
                token.cancel();
            }
        }, token);
        GenerationCancelledException e = assertThrows(GenerationCancelledException.class,
                () -> unidiff.textToImage(request, control));
        assertEquals(3, reports.get(), "no evaluation may run after the cancel");
        assertTrue(e.getMessage().contains("evaluation 3"), e.getMessage());

        // Usable afterwards, and unaffected by the cancelled run.
        BufferedImage a = unidiff.textToImage(request).image();
        BufferedImage b = unidiff.textToImage(request).image();
        assertTrue(TinyBundle.samePixels(a, b));
    }

    @Test
    void tokenCancelledBeforeTheCallStopsAtOnce() {
        CancellationToken token = new CancellationToken();
        token.cancel();
        AtomicInteger reports = new AtomicInteger();
        assertThrows(GenerationCancelledException.class, () -> unidiff.imageVariation(
                new ImageVariationRequest(TinyBundle.gradient(64, 64), TinyBundle.fast(1)),
                new RunControl(p -> reports.incrementAndGet(), token)));
        assertEquals(0, reports.get());
    }

    @Test
    void cancelFromAnotherThreadDuringTheSecondStage() throws Exception {
        CancellationToken token = new CancellationToken();
        AtomicInteger reports = new AtomicInteger();
        Thread canceller = new Thread(token::cancel);
        RunControl control = new RunControl(p -> {
            if (p.stageIndex() == 1 && reports.incrementAndGet() == 1) {
                canceller.start();
                try {
                    canceller.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, token);
        assertThrows(GenerationCancelledException.class, () -> unidiff.textVariation(
                new TextVariationRequest("a circle", TinyBundle.fast(2)), control));
        assertEquals(1, reports.get());
    }
}
