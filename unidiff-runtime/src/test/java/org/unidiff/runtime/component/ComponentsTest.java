package org.unidiff.runtime.component;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.unidiff.runtime.component.FixtureWeights.C;
import static org.unidiff.runtime.component.FixtureWeights.CLIP_DIM;
import static org.unidiff.runtime.component.FixtureWeights.CLIP_SIZE;
import static org.unidiff.runtime.component.FixtureWeights.DT;
import static org.unidiff.runtime.component.FixtureWeights.H;
import static org.unidiff.runtime.component.FixtureWeights.IMAGE;
import static org.unidiff.runtime.component.FixtureWeights.L;
import static org.unidiff.runtime.component.FixtureWeights.V;
import static org.unidiff.runtime.component.FixtureWeights.W;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.unidiff.runtime.Bundle;
import org.unidiff.runtime.Fixtures;
import org.unidiff.runtime.ort.ExecutionConfig;
import org.unidiff.runtime.text.CaptionSearch;
import org.unidiff.runtime.text.Hypothesis;
import org.unidiff.runtime.text.NextTokenLogits;
import org.unidiff.sampling.PredictionType;
import org.unidiff.sampling.noise.NoiseSource;
import org.unidiff.sampling.plan.JointBatch;
import org.unidiff.sampling.plan.JointOutputs;
import org.unidiff.sampling.plan.JointShape;

/** Every component of the fixture bundle against outputs computed here from the known weights. */
class ComponentsTest {

    private static Bundle bundle;

    @BeforeAll
    static void load() {
        bundle = Bundle.load(Fixtures.tinyBundle(), ExecutionConfig.cpu());
    }

    @AfterAll
    static void close() {
        bundle.close();
    }

    /** The decoder is float16 in and out; inputs on a 1/16 grid make every value exact in half precision. */
    @Test
    void vaeDecoderDividesByTheScalingFactorAndRunsInHalfPrecisionExactly() {
        int batch = 2;
        SplittableRandom random = new SplittableRandom(3);
        float[] z = new float[batch * C * H * W];
        for (int i = 0; i < z.length; i++) {
            z[i] = random.nextInt(-16, 17) / 16f;
        }
        float[] image = bundle.vaeDecoder().decode(z, batch);
        assertEquals(batch * 3 * IMAGE * IMAGE, image.length);
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < 3; o++) {
                for (int y = 0; y < IMAGE; y++) {
                    for (int x = 0; x < IMAGE; x++) {
                        double expected = FixtureWeights.VAE_DEC_B[o];
                        for (int c = 0; c < C; c++) {
                            double latent = z[((b * C + c) * H + y / 2) * W + x / 2] / FixtureWeights.SCALING;
                            expected += latent * FixtureWeights.vaeDecW(c, o, y % 2, x % 2);
                        }
                        assertEquals(expected, image[((b * 3 + o) * IMAGE + y) * IMAGE + x], 0.0);
                    }
                }
            }
        }
        BufferedImage[] images = bundle.vaeDecoder().decodeImages(z, batch);
        int expectedRed = (int) Math.max(0, Math.min(255, Math.round((image[0] + 1) * 127.5)));
        assertEquals(expectedRed, (images[0].getRGB(0, 0) >> 16) & 0xff);
    }

    @Test
    void vaeEncoderMomentsMeanAndClampedSample() {
        int batch = 2;
        SplittableRandom random = new SplittableRandom(5);
        float[] pixels = new float[batch * 3 * IMAGE * IMAGE];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextDouble(-1, 1);
        }
        double[][] moments = new double[batch][4 * H * W];
        for (int b = 0; b < batch; b++) {
            for (int m = 0; m < 4; m++) {
                for (int i = 0; i < H; i++) {
                    for (int j = 0; j < W; j++) {
                        double v = FixtureWeights.VAE_ENC_B[m];
                        for (int c = 0; c < 3; c++) {
                            double pooled = 0;
                            for (int d = 0; d < 4; d++) {
                                pooled += pixels[((b * 3 + c) * IMAGE + 2 * i + d / 2) * IMAGE + 2 * j + d % 2];
                            }
                            v += FixtureWeights.VAE_ENC_W[m][c] * pooled / 4;
                        }
                        moments[b][(m * H + i) * W + j] = v;
                    }
                }
            }
        }
        float[] raw = bundle.vaeEncoder().moments(pixels, batch);
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < 4 * H * W; k++) {
                assertEquals(moments[b][k], raw[b * 4 * H * W + k], 1e-5);
            }
        }
        int size = C * H * W;
        float[] mean = bundle.vaeEncoder().encodeMean(pixels, batch);
        float[] sample = bundle.vaeEncoder().encodeSample(pixels, batch, counting());
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < size; k++) {
                double mu = moments[b][k];
                // Log-variance channel 1 of the latent is 25 in the fixture: clamped to 20.
                double logvar = Math.min(20, Math.max(-30, moments[b][size + k]));
                double noise = 0.001 * (b * size + k + 1);
                assertEquals(0.5 * mu, mean[b * size + k], 1e-5);
                assertEquals(0.5 * (mu + Math.exp(0.5 * logvar) * noise), sample[b * size + k],
                        1e-5 * Math.exp(0.5 * logvar));
            }
        }
        assertEquals(20.0, Math.min(20, moments[0][size + H * W]), 0.0);
    }

    @Test
    void vaeEncoderTakesImages() {
        BufferedImage image = new BufferedImage(IMAGE, IMAGE, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < IMAGE; y++) {
            for (int x = 0; x < IMAGE; x++) {
                image.setRGB(x, y, (x * 30) << 16 | (y * 30) << 8 | 200);
            }
        }
        float[] fromImage = bundle.vaeEncoder().encodeMean(image);
        float[] pixels = new float[3 * IMAGE * IMAGE];
        for (int y = 0; y < IMAGE; y++) {
            for (int x = 0; x < IMAGE; x++) {
                pixels[y * IMAGE + x] = x * 30 / 127.5f - 1;
                pixels[IMAGE * IMAGE + y * IMAGE + x] = y * 30 / 127.5f - 1;
                pixels[2 * IMAGE * IMAGE + y * IMAGE + x] = 200 / 127.5f - 1;
            }
        }
        float[] fromTensor = bundle.vaeEncoder().encodeMean(pixels, 1);
        for (int i = 0; i < fromTensor.length; i++) {
            assertEquals(fromTensor[i], fromImage[i], 1e-5);
        }
    }

    /** A constant image stays constant through any resampling, so its embedding is known exactly. */
    @Test
    void imageEncoderWithManifestPreprocessingAndExternalWeights() {
        BufferedImage image = new BufferedImage(10, 7, BufferedImage.TYPE_INT_RGB);
        int[] rgb = {51, 102, 204};
        for (int y = 0; y < 7; y++) {
            for (int x = 0; x < 10; x++) {
                image.setRGB(x, y, rgb[0] << 16 | rgb[1] << 8 | rgb[2]);
            }
        }
        double[] mean = {0.5, 0.25, 0.75};
        double[] std = {0.5, 0.25, 0.125};
        double[] normalized = new double[3];
        for (int c = 0; c < 3; c++) {
            normalized[c] = (rgb[c] / 255.0 - mean[c]) / std[c];
        }
        float[] embeds = bundle.imageEncoder().embed(image, image);
        assertEquals(2 * CLIP_DIM, embeds.length);
        for (int d = 0; d < CLIP_DIM; d++) {
            double expected = 0;
            for (int c = 0; c < 3; c++) {
                expected += normalized[c] * FixtureWeights.IMG_ENC_W[c][d];
            }
            assertEquals(expected, embeds[d], 1e-5);
            assertEquals(expected, embeds[CLIP_DIM + d], 1e-5);
        }
        assertThrows(IllegalArgumentException.class,
                () -> bundle.imageEncoder().embed(new float[3 * CLIP_SIZE * CLIP_SIZE + 1], 1));
    }

    @Test
    void textEncoderFramesAndEmbedsPrompts() {
        assertArrayEquals(new long[] {1, 4, 5, 2}, bundle.textEncoder().tokenize("a red circle"));
        float[] latent = bundle.textEncoder().encode(List.of("a red circle", "blue"));
        long[][] ids = {{1, 4, 5, 2}, {1, 6, 2, 0}};
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < L; t++) {
                double[] row = FixtureWeights.textEmbedding((int) ids[b][t]);
                assertEquals(row[0], latent[(b * L + t) * DT], 0.0);
                assertEquals(row[1], latent[(b * L + t) * DT + 1], 0.0);
            }
        }
    }

    @Test
    void textDecoderLogitsFollowThePositionConvention() {
        float[] latent = new float[L * DT];
        Arrays.fill(latent, 0.25f);
        long[] ids = {4, 5, 7};
        float[] logits = bundle.textDecoder().logits(latent, 1, ids, 3);
        assertEquals(3 * V, logits.length);
        // Position i is the distribution of token i: the table row of the token before it.
        int[] previous = {V, 4, 5};
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(FixtureWeights.logits(previous[i], 2.0),
                    Arrays.copyOfRange(logits, i * V, (i + 1) * V), 1e-5f);
        }
    }

    @Test
    void captionOfTheFixturePath() {
        float[] zero = new float[L * DT];
        List<Hypothesis> beams = bundle.textDecoder().beamSearch(zero);
        assertArrayEquals(new long[] {4, 5, 7, 2}, beams.get(0).tokens());
        assertEquals("a red circle", bundle.textDecoder().caption(zero));
        assertEquals("a red circle", bundle.textDecoder().captionGreedy(zero));
        assertEquals(List.of("a red circle", "a red circle"), bundle.textDecoder().captions(new float[2 * L * DT], 2));
    }

    /** The ONNX-backed search equals the same search over the table computed here, on a latent that changes the path. */
    @Test
    void beamSearchThroughOnnxMatchesTheTable() {
        float[] latent = new float[L * DT];
        Arrays.fill(latent, 2.5f);
        double sum = 2.5 * L * DT;
        NextTokenLogits table = prefixes -> {
            float[][] out = new float[prefixes.size()][];
            for (int i = 0; i < out.length; i++) {
                long[] p = prefixes.get(i);
                out[i] = FixtureWeights.logits(p.length == 0 ? V : (int) p[p.length - 1], sum);
            }
            return out;
        };
        List<Hypothesis> expected = CaptionSearch.beam(table, 3, 5, 2);
        List<Hypothesis> actual = bundle.textDecoder().beamSearch(latent);
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i).tokens(), actual.get(i).tokens());
            assertEquals(expected.get(i).logProb(), actual.get(i).logProb(), 1e-4);
        }
        // The latent pushes the first token away from "a": a different caption than the zero latent's.
        assertEquals(9, actual.get(0).tokens()[0]);
    }

    @Test
    void transformerWritesPinnedOutputsFromTheBatchBuffers() {
        JointTransformer transformer = bundle.transformer();
        assertEquals(PredictionType.EPSILON, transformer.predictionType());
        JointShape shape = transformer.shape(2);
        int rows = 3;
        JointBatch in = JointBatch.allocate(shape, rows, true);
        JointOutputs out = JointOutputs.allocate(shape, rows);
        SplittableRandom random = new SplittableRandom(11);
        fill(in.img(), random);
        fill(in.clipImg(), random);
        fill(in.text(), random);
        for (int i = 0; i < rows * 2; i++) {
            in.tImg().put(i, 100f * i);
            in.tText().put(i, 1000f - 50f * i);
        }
        for (int r = 0; r < rows; r++) {
            in.dataType().put(r, r % 2);
        }
        transformer.predict(in, out);
        int latent = shape.latentSize();
        for (int s = 0; s < rows * 2; s++) {
            for (int k = 0; k < latent; k++) {
                float expected = 0.5f * in.img().get(s * latent + k) + in.tImg().get(s) * 0.001f;
                assertEquals(expected, out.img().get(s * latent + k), 1e-5f);
            }
            for (int k = 0; k < CLIP_DIM; k++) {
                float expected = 2f * in.clipImg().get(s * CLIP_DIM + k) + in.dataType().get(s / 2);
                assertEquals(expected, out.clipImg().get(s * CLIP_DIM + k), 1e-5f);
            }
            for (int k = 0; k < L * DT; k++) {
                float expected = in.text().get(s * L * DT + k) - in.tText().get(s) * 0.01f;
                assertEquals(expected, out.text().get(s * L * DT + k), 1e-5f);
            }
        }
        assertThrows(IllegalArgumentException.class,
                () -> transformer.predict(JointBatch.allocate(shape, 1, false), JointOutputs.allocate(shape, 1)));
        assertThrows(IllegalArgumentException.class, () -> transformer.shape(3));
    }

    private static void fill(java.nio.FloatBuffer buffer, SplittableRandom random) {
        for (int i = 0; i < buffer.capacity(); i++) {
            buffer.put(i, (float) random.nextDouble(-2, 2));
        }
    }

    /** Noise 0.001, 0.002, ... in draw order. */
    private static NoiseSource counting() {
        return new NoiseSource() {
            private int next;

            @Override
            public void fill(double[] target, int offset, int length) {
                for (int i = 0; i < length; i++) {
                    target[offset + i] = 0.001 * ++next;
                }
            }
        };
    }
}
