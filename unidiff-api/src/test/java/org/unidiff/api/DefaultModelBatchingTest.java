package org.unidiff.api;

import org.unidiff.api.core.DefaultBundle;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.core.UnidiffOptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Batching on the default model. ONNX Runtime's CPU kernels do not promise that a row's output is
 * independent of how many rows share the call: on this model a batched solve and the same requests
 * alone differ in the last bits (measured: final latents within 1.3e-5 after 10 steps), which
 * shows in a decoded pixel as at most one level of 255, rarely. This pins that bound, so a change
 * that really mixes requests (a wrong seed, a wrong condition) fails; the random tiny bundle's test
 * ({@link BatchedRequestsTest}) pins bit-for-bit equality where the kernels allow it.
 */
class DefaultModelBatchingTest {

    @Test
    void batchedRequestsEqualAloneUpToKernelRounding() {
        assumeTrue(DefaultBundle.available(), "default bundle not found");
        BatchedRequestsTest.Recorder hooks = new BatchedRequestsTest.Recorder();
        try (Unidiff u = Unidiff.open(UnidiffOptions.defaults(), hooks)) {
            String[] prompts = {"a large red circle", "a small blue square at the top", "a green triangle",
                "a yellow diamond on the left"};
            List<TextToImageRequest> requests = new ArrayList<>();
            for (int i = 0; i < prompts.length; i++) {
                requests.add(new TextToImageRequest(prompts[i], SamplingOptions.defaults().withSeed(i).withSteps(10)));
            }
            List<BufferedImage> alone = new ArrayList<>();
            List<double[]> aloneLatents = new ArrayList<>();
            for (TextToImageRequest r : requests) {
                hooks.latents.clear();
                alone.add(u.textToImage(r).image());
                aloneLatents.add(hooks.latents.get(0).get(0).slot(0).imageLatent());
            }
            hooks.latents.clear();
            List<ImageResult> batched = u.runAll(Recipes.TEXT_TO_IMAGE, requests);
            for (int i = 0; i < requests.size(); i++) {
                double[] b = hooks.latents.get(i).get(0).slot(0).imageLatent();
                double max = 0;
                for (int j = 0; j < b.length; j++) {
                    max = Math.max(max, Math.abs(b[j] - aloneLatents.get(i)[j]));
                }
                assertTrue(max < 1e-4, "request " + i + ": latent differs by " + max);
                BufferedImage x = alone.get(i);
                BufferedImage y = batched.get(i).image();
                int worst = 0;
                for (int py = 0; py < x.getHeight(); py++) {
                    for (int px = 0; px < x.getWidth(); px++) {
                        int p = x.getRGB(px, py);
                        int q = y.getRGB(px, py);
                        for (int shift = 0; shift <= 16; shift += 8) {
                            worst = Math.max(worst, Math.abs(((p >> shift) & 0xFF) - ((q >> shift) & 0xFF)));
                        }
                    }
                }
                assertTrue(worst <= 1, "request " + i + ": a pixel differs by " + worst + " levels");
                assertEquals(requests.get(i).prompt(), batched.get(i).parameters().prompts().get(0));
            }
        }
    }
}
