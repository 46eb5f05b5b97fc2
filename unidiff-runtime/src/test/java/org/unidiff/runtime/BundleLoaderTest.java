package org.unidiff.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unidiff.runtime.manifest.ManifestLimits;
import org.unidiff.runtime.ort.ExecutionConfig;
import org.unidiff.runtime.ort.ExecutionProvider;
import org.unidiff.runtime.ort.ModelSession;
import org.unidiff.runtime.tensor.ElementType;

/** Loading the fixture bundle, and every kind of broken bundle refused with a message naming what is wrong. */
class BundleLoaderTest {

    @TempDir
    Path temp;

    private Path bundle;

    @BeforeEach
    void copy() {
        bundle = Fixtures.copyTinyBundle(temp);
    }

    @Test
    void fixtureLoadsAndCloseReleasesEverySession() {
        int before = ModelSession.openCount();
        try (Bundle b = Bundle.load(bundle, ExecutionConfig.cpu())) {
            assertEquals(before + 6, ModelSession.openCount());
            assertEquals(ExecutionProvider.CPU, b.provider());
            assertEquals("tiny-fixture", b.manifest().name());
            assertEquals(ElementType.FLOAT16,
                    b.session(ComponentKind.VAE_DECODER).orElseThrow().inputs().get("latent").elementType().orElseThrow());
            assertEquals(ElementType.FLOAT32,
                    b.session(ComponentKind.VAE_ENCODER).orElseThrow().inputs().get("image").elementType().orElseThrow());
        }
        assertEquals(before, ModelSession.openCount());
    }

    @Test
    void subsetOpensOnlyTheRequestedSessions() {
        int before = ModelSession.openCount();
        try (Bundle b = Bundle.load(bundle, ExecutionConfig.cpu(), Set.of(ComponentKind.VAE_DECODER))) {
            assertEquals(before + 1, ModelSession.openCount());
            IllegalStateException e = assertThrows(IllegalStateException.class, b::textEncoder);
            assertTrue(e.getMessage().contains("text_encoder"), e.getMessage());
        }
        assertEquals(before, ModelSession.openCount());
    }

    @Test
    void missingModelFile() throws IOException {
        Files.delete(bundle.resolve("vae_encoder/model.onnx"));
        BundleException e = refused();
        assertEquals("vae_encoder", e.component());
        assertEquals("components.vae_encoder.path", e.field());
        assertTrue(e.found().startsWith("no such file"), e.getMessage());
        assertTrue(e.getMessage().contains(bundle.toString()), e.getMessage());
    }

    @Test
    void pathEscapingWithDotDot() throws IOException {
        Files.createDirectories(temp.resolve("outside"));
        Files.copy(bundle.resolve("vae_encoder/model.onnx"), temp.resolve("outside/model.onnx"));
        setPath("vae_encoder", "../outside/model.onnx");
        BundleException e = refused();
        assertEquals("components.vae_encoder.path", e.field());
        assertEquals("a path inside the bundle", e.expected());
        assertTrue(e.found().contains("'..'"), e.getMessage());
    }

    @Test
    void absolutePath() {
        setPath("vae_encoder", bundle.resolve("vae_encoder/model.onnx").toAbsolutePath().toString());
        BundleException e = refused();
        assertEquals("a path relative to the bundle", e.expected());
    }

    @Test
    void symlinkLeavingTheBundle() throws IOException {
        Path outside = temp.resolve("elsewhere.onnx");
        Files.move(bundle.resolve("vae_encoder/model.onnx"), outside);
        Files.createSymbolicLink(bundle.resolve("vae_encoder/model.onnx"), outside);
        BundleException e = refused();
        assertEquals("vae_encoder", e.component());
        assertTrue(e.found().contains("symbolic link"), e.getMessage());
    }

    @Test
    void symlinkInsideTheBundleIsFine() throws IOException {
        Path target = bundle.resolve("vae_encoder/real.onnx");
        Files.move(bundle.resolve("vae_encoder/model.onnx"), target);
        Files.createSymbolicLink(bundle.resolve("vae_encoder/model.onnx"), target);
        try (Bundle b = Bundle.load(bundle, ExecutionConfig.cpu(), Set.of(ComponentKind.VAE_ENCODER))) {
            assertEquals(target.toRealPath(), b.session(ComponentKind.VAE_ENCODER).orElseThrow().path());
        }
    }

    @Test
    void wrongInputName() throws IOException {
        replaceModel("vae_decoder", "vae_decoder_wrong_name.onnx");
        BundleException e = refused();
        assertEquals("vae_decoder", e.component());
        assertEquals("input 'latent'", e.field());
        assertEquals("inputs [z]", e.found());
    }

    @Test
    void wrongRank() throws IOException {
        replaceModel("vae_decoder", "vae_decoder_wrong_rank.onnx");
        BundleException e = refused();
        assertEquals("input 'latent' rank", e.field());
        assertEquals("4 [B, C=2, h=4, w=4]", e.expected());
        assertEquals("3 float16[-1, 2, 16]", e.found());
    }

    @Test
    void wrongFixedSize() throws IOException {
        replaceModel("vae_decoder", "vae_decoder_wrong_size.onnx");
        BundleException e = refused();
        assertEquals("input 'latent' dimension 1 (C)", e.field());
        assertEquals("2 from latent.channels or a symbolic size", e.expected());
        assertEquals("3 in float16[-1, 3, 4, 4]", e.found());
    }

    @Test
    void manifestSizeThatNoModelMatches() {
        ObjectNode tree = Fixtures.tinyManifestTree();
        ((ObjectNode) tree.get("clip_image")).put("dim", 5);
        Fixtures.writeManifest(bundle, tree);
        BundleException e = refused();
        // The transformer is checked first, and its clip_img input carries Dc.
        assertEquals("transformer", e.component());
        assertEquals("input 'clip_img' dimension 3 (Dc)", e.field());
        assertEquals("5 from clip_image.dim or a symbolic size", e.expected());
    }

    @Test
    void dataTypeInputWithoutManifestField() {
        ObjectNode tree = Fixtures.tinyManifestTree();
        tree.remove("data_type");
        Fixtures.writeManifest(bundle, tree);
        BundleException e = refused();
        assertEquals("input 'data_type'", e.field());
        assertTrue(e.found().contains("manifest has no data_type"), e.getMessage());
    }

    @Test
    void manifestDataTypeWithoutModelInput() throws IOException {
        replaceModel("transformer", "transformer_without_data_type.onnx");
        BundleException e = refused();
        assertEquals("transformer", e.component());
        assertEquals("input 'data_type'", e.field());
    }

    @Test
    void malformedManifest() throws IOException {
        Files.writeString(bundle.resolve("unidiff.json"), "{\"format\": \"unidiff-bundle\",", StandardCharsets.UTF_8);
        BundleException e = refused();
        assertEquals("manifest", e.component());
        assertEquals("well-formed JSON", e.expected());
    }

    @Test
    void unknownSchedule() {
        ObjectNode tree = Fixtures.tinyManifestTree();
        ((ObjectNode) tree.get("schedule")).put("type", "cosine");
        Fixtures.writeManifest(bundle, tree);
        BundleException e = refused();
        assertEquals("schedule.type", e.field());
        assertEquals("\"cosine\"", e.found());
    }

    @Test
    void corruptOnnxBytesCloseTheSessionsOpenedBefore() throws IOException {
        // The text decoder is opened last, so five sessions are open when it fails.
        Files.write(bundle.resolve("text_decoder/model.onnx"), new byte[] {0x08, 0x07, 0x12, 0x7f, 0x01, 0x02, 0x03});
        BundleException e = refused();
        assertEquals("text_decoder", e.component());
        assertEquals("model model.onnx", e.field());
        assertEquals("an ONNX model ONNX Runtime can load", e.expected());
    }

    @Test
    void missingExternalWeights() throws IOException {
        Files.delete(bundle.resolve("image_encoder/model.onnx.data"));
        BundleException e = refused();
        assertEquals("image_encoder", e.component());
        assertTrue(e.found().contains("model.onnx.data"), e.getMessage());
    }

    @Test
    void missingTokenizer() throws IOException {
        Files.delete(bundle.resolve("text_decoder/tokenizer.json"));
        BundleException e = refused();
        assertEquals("text_decoder", e.component());
        assertEquals("tokenizer (beside the model)", e.field());
        assertTrue(e.found().startsWith("no such file"), e.getMessage());
    }

    @Test
    void brokenTokenizer() throws IOException {
        Files.writeString(bundle.resolve("text_encoder/tokenizer.json"), "{\"model\": {\"type\": \"Nope\"}}");
        BundleException e = refused();
        assertEquals("text_encoder", e.component());
        assertEquals("tokenizer", e.field());
        assertEquals("a Hugging Face tokenizer.json", e.expected());
    }

    @Test
    void missingBundleDirectory() {
        BundleException e = assertThrows(BundleException.class,
                () -> Bundle.load(temp.resolve("nope"), ExecutionConfig.cpu()));
        assertEquals("directory", e.field());
    }

    @Test
    void variantLoadsItsFileWhereDeclaredAndTheMainFileElsewhere() throws IOException {
        Files.copy(bundle.resolve("vae_decoder/model.onnx"), bundle.resolve("vae_decoder/alt.onnx"));
        declareVariant("vae_decoder", "small", "vae_decoder/alt.onnx");
        try (Bundle b = Bundle.load(bundle, ExecutionConfig.cpu(), "small")) {
            assertEquals(bundle.resolve("vae_decoder/alt.onnx").toRealPath(),
                    b.session(ComponentKind.VAE_DECODER).orElseThrow().path());
            assertEquals(bundle.resolve("vae_encoder/model.onnx").toRealPath(),
                    b.session(ComponentKind.VAE_ENCODER).orElseThrow().path());
            assertEquals("small", b.variant().orElseThrow());
        }
        try (Bundle b = Bundle.load(bundle, ExecutionConfig.cpu())) {
            assertEquals(bundle.resolve("vae_decoder/model.onnx").toRealPath(),
                    b.session(ComponentKind.VAE_DECODER).orElseThrow().path());
            assertTrue(b.variant().isEmpty());
        }
    }

    @Test
    void unknownVariantNamesTheDeclaredOnes() throws IOException {
        Files.copy(bundle.resolve("vae_decoder/model.onnx"), bundle.resolve("vae_decoder/alt.onnx"));
        declareVariant("vae_decoder", "small", "vae_decoder/alt.onnx");
        int before = ModelSession.openCount();
        BundleException e = assertThrows(BundleException.class, () -> Bundle.load(bundle, ExecutionConfig.cpu(), "int8"));
        assertEquals(before, ModelSession.openCount());
        assertEquals("variant", e.field());
        assertEquals("one of [small]", e.expected());
        assertEquals("\"int8\"", e.found());
        Fixtures.writeManifest(bundle, Fixtures.tinyManifestTree());
        e = assertThrows(BundleException.class, () -> Bundle.load(bundle, ExecutionConfig.cpu(), "int8"));
        assertEquals("no variant (the manifest declares none)", e.expected());
    }

    @Test
    void variantFileIsCheckedLikeTheMainOne() throws IOException {
        declareVariant("vae_decoder", "broken", "vae_decoder/missing.onnx");
        // Not asked for: the main files load and the variant's file is never opened.
        try (Bundle b = Bundle.load(bundle, ExecutionConfig.cpu())) {
            assertTrue(b.variant().isEmpty());
        }
        BundleException e = assertThrows(BundleException.class, () -> Bundle.load(bundle, ExecutionConfig.cpu(), "broken"));
        assertEquals("components.vae_decoder.variants.broken.path", e.field());
        Files.copy(Fixtures.badModel("vae_decoder_wrong_rank.onnx"), bundle.resolve("vae_decoder/missing.onnx"));
        e = assertThrows(BundleException.class, () -> Bundle.load(bundle, ExecutionConfig.cpu(), "broken"));
        assertEquals("input 'latent' rank", e.field());
    }

    @Test
    void variantNamesAndPathsAreValidated() {
        declareVariant("vae_decoder", "Int8", "vae_decoder/model.onnx");
        BundleException e = refused();
        assertEquals("components.vae_decoder.variants", e.field());
        assertEquals("\"Int8\"", e.found());
        declareVariant("vae_decoder", "int8", " ");
        e = refused();
        assertEquals("components.vae_decoder.variants.int8.path", e.field());
        ObjectNode tree = Fixtures.tinyManifestTree();
        ObjectNode variants = ((ObjectNode) tree.get("components").get("vae_decoder")).putObject("variants");
        for (int i = 0; i <= ManifestLimits.MAX_VARIANTS; i++) {
            variants.putObject("v" + i).put("path", "vae_decoder/model.onnx");
        }
        Fixtures.writeManifest(bundle, tree);
        e = refused();
        assertEquals("components.vae_decoder.variants", e.field());
        assertEquals((ManifestLimits.MAX_VARIANTS + 1) + " variants", e.found());
    }

    private void declareVariant(String component, String name, String path) {
        ObjectNode tree = Fixtures.tinyManifestTree();
        ((ObjectNode) tree.get("components").get(component)).putObject("variants").putObject(name).put("path", path);
        Fixtures.writeManifest(bundle, tree);
    }

    private BundleException refused() {
        int before = ModelSession.openCount();
        BundleException e = assertThrows(BundleException.class, () -> Bundle.load(bundle, ExecutionConfig.cpu()));
        assertEquals(before, ModelSession.openCount(), "a failed load left sessions open");
        return e;
    }

    private void setPath(String component, String path) {
        ObjectNode tree = Fixtures.tinyManifestTree();
        ((ObjectNode) tree.get("components").get(component)).put("path", path);
        Fixtures.writeManifest(bundle, tree);
    }

    private void replaceModel(String component, String badModel) throws IOException {
        Files.copy(Fixtures.badModel(badModel), bundle.resolve(component + "/model.onnx"),
                StandardCopyOption.REPLACE_EXISTING);
    }

}
