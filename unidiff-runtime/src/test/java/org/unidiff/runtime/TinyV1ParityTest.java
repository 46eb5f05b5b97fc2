package org.unidiff.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unidiff.runtime.component.JointTransformer;
import org.unidiff.runtime.ort.ExecutionConfig;
import org.unidiff.runtime.ort.TensorSignature;
import org.unidiff.runtime.text.BundleTokenizer;
import org.unidiff.runtime.text.NextTokenLogits;
import org.unidiff.sampling.plan.JointBatch;
import org.unidiff.sampling.plan.JointOutputs;
import org.unidiff.testing.NpzArchive;

/**
 * The reduced-size random-weight UniDiffuser v1 bundle (the published architecture: U-ViT with
 * data_type, SD VAE, CLIP text and vision, GPT-2 caption decoder) through the runtime's
 * components, against the PyTorch modules it was exported from. Fixture:
 * {@code /usr/bin/python3 models/tests/make_tiny_v1_fixture.py}.
 */
class TinyV1ParityTest {

    private static final Logger LOG = LoggerFactory.getLogger(TinyV1ParityTest.class);

    /** float32 ONNX Runtime against float32 PyTorch: the brief's bound, far above the rounding seen. */
    private static final double TOLERANCE = 1e-4;

    private static final Map<String, Double> MAX_ERRORS = new TreeMap<>();

    private static Bundle bundle;
    private static NpzArchive npz;

    @BeforeAll
    static void load() {
        bundle = Bundle.load(Fixtures.resource("/tiny-v1-bundle"), ExecutionConfig.cpu());
        npz = NpzArchive.read(Fixtures.resource("/tiny-v1-parity.npz"));
    }

    @AfterAll
    static void close() {
        if (bundle != null) {
            bundle.close();
        }
        MAX_ERRORS.forEach((what, error) -> LOG.info("tiny v1 parity {}: max |java - torch| = {}", what, error));
    }

    private static void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": value count");
        double max = 0;
        int worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs((double) expected[i] - actual[i]);
            if (!(d <= max)) {
                max = d;
                worst = i;
            }
        }
        MAX_ERRORS.put(what, max);
        assertTrue(max <= TOLERANCE, what + ": |java - torch| = " + max + " at index " + worst
                + " (torch " + expected[worst] + ", java " + actual[worst] + "), tolerance " + TOLERANCE);
    }

    private static float[] floats(String key) {
        return npz.get(key).floats();
    }

    private static int dim(String key, int axis) {
        return Math.toIntExact(npz.get(key).shape()[axis]);
    }

    @Test
    void bundleLoadsWithDataTypeGroupsAndExternalWeights() throws IOException {
        var m = bundle.manifest();
        assertEquals(Optional.of(1L), m.dataTypeDefault(), "the reference's default data_type");
        assertEquals(4, m.group().maxSize());
        assertTrue(bundle.transformer().takesDataType());
        assertEquals(Map.of("img", 5, "clip_img", 4, "text", 4, "t_img", 2, "t_text", 2, "data_type", 1),
                ranks(bundle.session(ComponentKind.TRANSFORMER).orElseThrow().inputs()));
        for (ComponentKind kind : List.of(ComponentKind.TRANSFORMER, ComponentKind.VAE_ENCODER,
                ComponentKind.VAE_DECODER, ComponentKind.TEXT_ENCODER, ComponentKind.TEXT_DECODER)) {
            Path model = bundle.session(kind).orElseThrow().path();
            Path data = model.resolveSibling("model.onnx.data");
            // The weights must be read from the external file: the graph file alone is smaller.
            assertTrue(Files.size(data) > Files.size(model), kind + ": weights are external");
        }
    }

    private static Map<String, Integer> ranks(Map<String, TensorSignature> inputs) {
        Map<String, Integer> out = new TreeMap<>();
        inputs.forEach((name, s) -> out.put(name, s.rank()));
        return out;
    }

    /** Batch 2, group 3 (the exporter traced batch 1, group 2): the dynamic axes are exercised too. */
    @Test
    void transformerGroupOfThreeMatchesTorch() {
        assertTransformer("transformer");
    }

    /** data_type [0, 1] in one batch: each row must get its own token. */
    @Test
    void transformerTakesDataTypePerRow() {
        assertTransformer("transformer_mixed");
        float[] one = floats("transformer.img_out");
        float[] mixed = floats("transformer_mixed.img_out");
        int row = one.length / 2;
        double changed = 0;
        for (int i = 0; i < row; i++) {
            changed = Math.max(changed, Math.abs(one[i] - mixed[i]));
        }
        assertTrue(changed > 100 * TOLERANCE, "data_type 0 and 1 differ by more than the tolerance: " + changed);
    }

    @Test
    void transformerWithoutGroupMatchesTorch() {
        assertTransformer("transformer_g1");
    }

    private static void assertTransformer(String key) {
        JointTransformer transformer = bundle.transformer();
        int rows = dim(key + ".img", 0);
        int group = dim(key + ".img", 1);
        JointBatch in = JointBatch.allocate(transformer.shape(group), rows, true);
        in.img().put(0, floats(key + ".img"));
        in.clipImg().put(0, floats(key + ".clip_img"));
        in.text().put(0, floats(key + ".text"));
        in.tImg().put(0, floats(key + ".t_img"));
        in.tText().put(0, floats(key + ".t_text"));
        in.dataType().put(0, npz.get(key + ".data_type").longs());
        JointOutputs out = JointOutputs.allocate(transformer.shape(group), rows);
        transformer.predict(in, out);
        assertClose(key + ".img_out", floats(key + ".img_out"), read(out.img()));
        assertClose(key + ".clip_img_out", floats(key + ".clip_img_out"), read(out.clipImg()));
        assertClose(key + ".text_out", floats(key + ".text_out"), read(out.text()));
    }

    private static float[] read(FloatBuffer b) {
        float[] out = new float[b.capacity()];
        b.get(0, out);
        return out;
    }

    @Test
    void vaeEncoderMomentsMatchTorch() {
        float[] image = floats("vae_encoder.image");
        assertClose("vae_encoder.moments", floats("vae_encoder.moments"),
                bundle.vaeEncoder().moments(image, dim("vae_encoder.image", 0)));
    }

    /** The component takes latents in diffusion scale and divides them by scaling_factor itself. */
    @Test
    void vaeDecoderMatchesTorch() {
        float[] latent = floats("vae_decoder.latent");
        float[] scaled = new float[latent.length];
        double s = bundle.manifest().latent().scalingFactor();
        for (int i = 0; i < latent.length; i++) {
            scaled[i] = (float) (latent[i] * s);
        }
        assertClose("vae_decoder.image", floats("vae_decoder.image"),
                bundle.vaeDecoder().decode(scaled, dim("vae_decoder.latent", 0)));
    }

    @Test
    void imageEncoderMatchesTorch() {
        assertClose("image_encoder.image_embeds", floats("image_encoder.image_embeds"),
                bundle.imageEncoder().embed(floats("image_encoder.pixel_values"), dim("image_encoder.pixel_values", 0)));
    }

    @Test
    void textEncoderMatchesTorch() {
        long[] ids = npz.get("text_encoder.input_ids").longs();
        assertClose("text_encoder.text_latent", floats("text_encoder.text_latent"),
                bundle.textEncoder().encodeIds(ids, dim("text_encoder.input_ids", 0)));
    }

    /** The bundle's tokenizer.json through DJL against an independent Python CLIP tokenizer. */
    @Test
    void clipTokenizerGivesThePythonTokenizersIds() {
        String[] prompts = npz.get("clip_tokenizer.prompts").strings();
        long[] ids = npz.get("clip_tokenizer.ids").longs();
        int length = dim("clip_tokenizer.ids", 1);
        for (int p = 0; p < prompts.length; p++) {
            assertArrayEquals(Arrays.copyOfRange(ids, p * length, (p + 1) * length),
                    bundle.textEncoder().tokenize(prompts[p]), "ids of '" + prompts[p] + "'");
        }
    }

    @Test
    void captionTokenizerDecodesAsBytes() throws IOException {
        long[] ids = npz.get("gpt2_tokenizer.ids").longs();
        String[] texts = npz.get("gpt2_tokenizer.texts").strings();
        int width = dim("gpt2_tokenizer.ids", 1);
        try (BundleTokenizer tokenizer = BundleTokenizer.load(bundle.directory().resolve("text_decoder/tokenizer.json"))) {
            for (int r = 0; r < texts.length; r++) {
                assertEquals(texts[r], tokenizer.decode(Arrays.copyOfRange(ids, r * width, (r + 1) * width)));
            }
        }
    }

    @Test
    void textDecoderLogitsMatchTorch() {
        float[] latent = floats("text_decoder.text_latent");
        long[] ids = npz.get("text_decoder.input_ids").longs();
        int batch = dim("text_decoder.input_ids", 0);
        int tokens = dim("text_decoder.input_ids", 1);
        assertClose("text_decoder.logits", floats("text_decoder.logits"),
                bundle.textDecoder().logits(latent, batch, ids, tokens));
    }

    /**
     * The caption search's view of the decoder: after k tokens it feeds k + 1 ids (the last one the
     * end token as a placeholder) and reads position k. That must be torch's logits[:, k] for the
     * same first k ids, whatever id torch had at position k.
     */
    @Test
    void nextTokenLogitsAreTorchsLogitsAtThatPosition() {
        float[] latents = floats("text_decoder.text_latent");
        long[] ids = npz.get("text_decoder.input_ids").longs();
        float[] logits = floats("text_decoder.logits");
        int tokens = dim("text_decoder.input_ids", 1);
        int vocab = dim("text_decoder.logits", 2);
        int size = bundle.manifest().text().size();
        for (int b = 0; b < dim("text_decoder.input_ids", 0); b++) {
            NextTokenLogits next = bundle.textDecoder().nextTokenLogits(Arrays.copyOfRange(latents, b * size, (b + 1) * size));
            for (int k = 0; k < tokens; k++) {
                long[] prefix = Arrays.copyOfRange(ids, b * tokens, b * tokens + k);
                int from = (b * tokens + k) * vocab;
                assertClose("text_decoder.next[" + b + "," + k + "]", Arrays.copyOfRange(logits, from, from + vocab),
                        next.next(List.of(prefix))[0]);
            }
        }
    }
}
