package org.unidiff.shapes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DatasetWriter.Config CONFIG = new DatasetWriter.Config(42, 600, 150, 3);

    @TempDir
    Path temp;

    private static Scene scene(JsonNode json) {
        return new Scene(Background.fromWord(json.get("background").asText()),
                Color.fromWord(json.get("color").asText()),
                Shape.fromWord(json.get("shape").asText()),
                Size.fromWord(json.get("size").asText()),
                Position.fromId(json.get("position").asText()),
                json.get("center").get(0).asDouble(), json.get("center").get(1).asDouble());
    }

    private static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

    /** The .npy header bytes, parsed independently of {@link NpyWriter}: magic, version, length, dict. */
    private static int dataOffset(byte[] npy, String expectedShape) {
        assertEquals((byte) 0x93, npy[0]);
        assertEquals("NUMPY", new String(npy, 1, 5, StandardCharsets.US_ASCII));
        assertEquals(1, npy[6]);
        assertEquals(0, npy[7]);
        int headerLength = (npy[8] & 0xFF) | (npy[9] & 0xFF) << 8;
        int offset = 10 + headerLength;
        assertEquals(0, offset % 64, "data starts 64-byte aligned");
        String header = new String(npy, 10, headerLength, StandardCharsets.US_ASCII);
        assertTrue(header.endsWith("\n"));
        assertEquals("{'descr': '|u1', 'fortran_order': False, 'shape': (" + expectedShape + "), }", header.strip());
        return offset;
    }

    @Test
    void writesReadableImagesMatchingTheScenesOfEachItem() throws IOException {
        DatasetWriter.Summary summary = DatasetWriter.writeTraining(temp, CONFIG);
        List<JsonNode> items = lines(temp.resolve("items.jsonl"));
        assertEquals(750, items.size());
        assertEquals(750, summary.items());
        List<Scene> scenes = new ArrayList<>();
        for (JsonNode item : items) {
            JsonNode images = item.get("images");
            int groupSize = images.size();
            assertTrue(scenes.size() < 600 ? groupSize == 1 : groupSize >= 2 && groupSize <= 4, item.toString());
            for (int k = 0; k < groupSize; k++) {
                assertEquals(scenes.size(), images.get(k).asInt(), "images are numbered in item order");
                scenes.add(scene(item.get("scenes").get(k)));
            }
            assertEquals(3, item.get("captions").size());
            for (JsonNode variant : item.get("captions")) {
                assertEquals(groupSize, variant.size());
                for (int k = 0; k < groupSize; k++) {
                    CaptionAttributes stated = CaptionParser.attributes(variant.get(k).asText()).orElseThrow();
                    assertTrue(stated.agreesWith(scenes.get(images.get(k).asInt())), variant.get(k).asText());
                }
            }
        }
        assertEquals(summary.images(), scenes.size());
        byte[] npy = Files.readAllBytes(temp.resolve("images.npy"));
        int offset = dataOffset(npy, scenes.size() + ", 64, 64, 3");
        assertEquals(offset + (long) scenes.size() * Renderer.IMAGE_BYTES, npy.length);
        for (int i : new int[] {0, 1, 599, 600, scenes.size() - 1}) {
            byte[] expected = Renderer.renderBytes(scenes.get(i));
            byte[] actual = Arrays.copyOfRange(npy, offset + i * Renderer.IMAGE_BYTES,
                    offset + (i + 1) * Renderer.IMAGE_BYTES);
            assertArrayEquals(expected, actual, "image " + i);
        }
        // One pixel addressed the way NumPy does, a[i, y, x, c], at the object centre of the last image.
        int last = scenes.size() - 1;
        Scene s = scenes.get(last);
        int y = (int) s.centerY();
        int x = (int) s.centerX();
        int index = offset + ((last * 64 + y) * 64 + x) * 3;
        assertEquals(s.color().rgb().r(), npy[index] & 0xFF);
        assertEquals(s.color().rgb().g(), npy[index + 1] & 0xFF);
    }

    @Test
    void heldOutPairsNeverAppearInTrainingData() throws IOException {
        DatasetWriter.writeTraining(temp, new DatasetWriter.Config(7, 3000, 1000, 2));
        int scenes = 0;
        for (JsonNode item : lines(temp.resolve("items.jsonl"))) {
            for (JsonNode json : item.get("scenes")) {
                assertFalse(scene(json).isHeldOut(), json.toString());
                scenes++;
            }
            for (JsonNode variant : item.get("captions")) {
                for (JsonNode caption : variant) {
                    CaptionAttributes stated = CaptionParser.attributes(caption.asText()).orElseThrow();
                    assertFalse(stated.color().isPresent() && HeldOut.isHeldOut(stated.color().get(), stated.shape()),
                            caption.asText());
                }
            }
        }
        assertTrue(scenes > 3000 + 2 * 1000);
    }

    @Test
    void sameSeedGivesIdenticalBytesAndAnotherSeedDoesNot() throws IOException {
        Path a = temp.resolve("a");
        Path b = temp.resolve("b");
        Path c = temp.resolve("c");
        DatasetWriter.writeTraining(a, CONFIG);
        DatasetWriter.writeTraining(b, CONFIG);
        DatasetWriter.writeTraining(c, new DatasetWriter.Config(43, 600, 150, 3));
        for (String file : List.of("images.npy", "items.jsonl", "meta.json")) {
            assertArrayEquals(Files.readAllBytes(a.resolve(file)), Files.readAllBytes(b.resolve(file)), file);
        }
        assertFalse(Arrays.equals(Files.readAllBytes(a.resolve("items.jsonl")),
                Files.readAllBytes(c.resolve("items.jsonl"))));
    }

    @Test
    void metaDescribesTheWorldAndTheCounts() throws IOException {
        DatasetWriter.Summary summary = DatasetWriter.writeTraining(temp, CONFIG);
        JsonNode meta = JSON.readTree(temp.resolve("meta.json").toFile());
        assertEquals(DatasetWriter.FORMAT_VERSION, meta.get("format_version").asInt());
        assertEquals(42, meta.get("seed").asLong());
        assertEquals(600, meta.get("singles").asInt());
        assertEquals(150, meta.get("groups").asInt());
        assertEquals(summary.images(), meta.get("images").asInt());
        assertEquals(64, meta.get("image_size").asInt());
        List<String> vocabulary = new ArrayList<>();
        meta.get("vocabulary").forEach(w -> vocabulary.add(w.asText()));
        assertEquals(Vocabulary.words(), vocabulary);
        assertEquals("[150,70,190]", meta.get("palette").get("colors").get("purple").toString());
        assertEquals("[\"blue\",\"triangle\"]", meta.get("held_out").get(0).toString());
        assertEquals(4, meta.get("held_out").size());
        assertEquals("at the top left", meta.get("positions").get(0).get("phrase").asText());
    }

    @Test
    void evaluationSetCoversEveryScenePlusHeldOutPairs() throws IOException {
        DatasetWriter.writeEvaluation(temp, 3, 2);
        List<JsonNode> entries = lines(temp.resolve("eval.jsonl"));
        assertEquals(2 * 1296, entries.size());
        Set<SceneAttributes> combinations = new HashSet<>();
        Set<Long> seeds = new HashSet<>();
        int heldOut = 0;
        for (JsonNode entry : entries) {
            Scene scene = scene(entry.get("scene"));
            combinations.add(SceneAttributes.of(scene));
            seeds.add(entry.get("seed").asLong());
            assertTrue(entry.get("seed").asLong() >= 0);
            CaptionAttributes stated = CaptionParser.attributes(entry.get("prompt").asText()).orElseThrow();
            assertTrue(stated.isFull() && stated.agreesWith(scene));
            assertEquals(scene.isHeldOut(), entry.get("held_out").asBoolean());
            heldOut += scene.isHeldOut() ? 1 : 0;
        }
        assertEquals(1296, combinations.size());
        assertEquals(2 * 216, heldOut);
        assertEquals(2 * 1296, seeds.size(), "distinct seeds");
        byte[] npy = Files.readAllBytes(temp.resolve("eval_images.npy"));
        int offset = dataOffset(npy, 2 * 1296 + ", 64, 64, 3");
        Scene last = scene(entries.get(entries.size() - 1).get("scene"));
        assertArrayEquals(Renderer.renderBytes(last), Arrays.copyOfRange(npy, npy.length - Renderer.IMAGE_BYTES,
                npy.length));
        assertEquals(offset + 2L * 1296 * Renderer.IMAGE_BYTES, npy.length);
        assertEquals(EvaluationSet.fullCaptions(3, 2), EvaluationSet.fullCaptions(3, 2));
    }

    @Test
    void rejectsBadConfigurations() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DatasetWriter.Config(1, 10, 10, 0));
        assertTrue(e.getMessage().contains("variants"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DatasetWriter.Config(1, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new DatasetWriter.Config(1, -1, 5, 1));
        assertThrows(IllegalArgumentException.class, () -> EvaluationSet.fullCaptions(1, 0));
    }
}
