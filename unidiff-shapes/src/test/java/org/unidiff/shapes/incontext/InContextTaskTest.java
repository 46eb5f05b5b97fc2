package org.unidiff.shapes.incontext;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unidiff.shapes.Analysis;
import org.unidiff.shapes.Analyzer;
import org.unidiff.shapes.Renderer;
import org.unidiff.shapes.Scene;
import org.unidiff.shapes.SceneAttributes;
import org.unidiff.shapes.SceneSampler;

class InContextTaskTest {

    @Test
    void trainingTasksExcludeEveryHeldOutCombination() {
        List<InContextTask> training = InContextTask.training();
        for (InContextTask held : InContextTask.HELD_OUT) {
            assertFalse(training.contains(held), held.id());
            assertTrue(InContextTask.all().contains(held), held.id());
        }
        assertEquals(InContextTask.all().size() - InContextTask.HELD_OUT.size(), training.size());
        assertTrue(training.stream().map(InContextTask::transform).distinct().count() >= 6);
    }

    @Test
    void idsRoundTrip() {
        for (InContextTask t : InContextTask.all()) {
            assertEquals(t, InContextTask.fromId(t.id()));
        }
        assertThrows(IllegalArgumentException.class, () -> InContextTask.fromId("recolor:pink"));
        assertThrows(IllegalArgumentException.class, () -> InContextTask.fromId("resize:large"));
        assertThrows(IllegalArgumentException.class, () -> InContextTask.fromId("blur"));
    }

    @Test
    void targetsAreWhatTheAnalyzerReadsOfTheTransformedScene() {
        SplittableRandom random = new SplittableRandom(3);
        SceneSampler sampler = SceneSampler.forEvaluation();
        for (int i = 0; i < 60; i++) {
            Scene s = sampler.sample(random);
            for (InContextTask task : InContextTask.all()) {
                if (task.transform().isDense()) {
                    continue;
                }
                Scene expected = task.apply(s);
                Analysis a = Analyzer.analyze(task.render(s));
                assertEquals(Optional.of(SceneAttributes.of(expected)), a.attributes(), task.id() + " of " + s);
            }
        }
    }

    @Test
    void maskIsWhiteOnBlackWhereTheObjectIs() {
        Scene s = Scene.centered(org.unidiff.shapes.Background.GRAY, org.unidiff.shapes.Color.RED,
                org.unidiff.shapes.Shape.SQUARE, org.unidiff.shapes.Size.LARGE, org.unidiff.shapes.Position.CENTER);
        byte[] mask = InContextTask.fromId("mask").render(s);
        byte[] image = Renderer.renderBytes(s);
        int white = 0;
        for (int p = 0; p < Renderer.IMAGE_SIZE * Renderer.IMAGE_SIZE; p++) {
            boolean object = (image[3 * p] & 0xFF) != 128;
            int v = mask[3 * p] & 0xFF;
            assertEquals(v, mask[3 * p + 1] & 0xFF);
            assertEquals(object, v > 0, "pixel " + p);
            white += v == 255 ? 1 : 0;
        }
        assertEquals(28 * 28, white);
    }

    @Test
    void trainingPoolHoldsNoHeldOutTarget(@TempDir Path dir) throws IOException {
        InContextDatasetWriter.write(dir, 5, 20, false);
        JsonNode meta = new ObjectMapper().readTree(dir.resolve("meta.json").toFile());
        List<String> tasks = new ArrayList<>();
        meta.get("tasks").forEach(n -> tasks.add(n.asText()));
        for (InContextTask held : InContextTask.HELD_OUT) {
            assertFalse(tasks.contains(held.id()), held.id());
        }
        assertEquals(InContextTask.training().size(), tasks.size());
        long bytes = Files.size(dir.resolve("images.npy"));
        int per = 1 + tasks.size();
        assertEquals(20L * per * Renderer.IMAGE_BYTES, bytes - headerLength(dir.resolve("images.npy")));
        // Image n * per + 1 + j is task j applied to base scene n.
        byte[] all = Files.readAllBytes(dir.resolve("images.npy"));
        int header = headerLength(dir.resolve("images.npy"));
        List<Scene> scenes = InContextDatasetWriter.sampleScenes(5, 20);
        int n = 7;
        int j = tasks.indexOf("move:left");
        byte[] expected = InContextTask.fromId("move:left").render(scenes.get(n));
        byte[] actual = new byte[Renderer.IMAGE_BYTES];
        System.arraycopy(all, header + (n * per + 1 + j) * Renderer.IMAGE_BYTES, actual, 0, actual.length);
        assertArrayEquals(expected, actual);
    }

    @Test
    void evaluationPoolHasTheHeldOutColumns(@TempDir Path dir) throws IOException {
        InContextDatasetWriter.write(dir, 5, 3, true);
        JsonNode meta = new ObjectMapper().readTree(dir.resolve("meta.json").toFile());
        assertEquals(InContextTask.all().size(), meta.get("tasks").size());
        assertTrue(meta.get("includes_held_out").asBoolean());
    }

    @Test
    void examplesUseLaVinDiTNaming(@TempDir Path dir) throws IOException {
        InContextDatasetWriter.writeExamples(dir, 1, List.of(InContextTask.fromId("recolor:green")), 2);
        Path folder = dir.resolve("recolor_green");
        assertTrue(Files.isRegularFile(folder.resolve("pair1_input.png")));
        assertTrue(Files.isRegularFile(folder.resolve("pair2_target.png")));
    }

    private static int headerLength(Path npy) throws IOException {
        byte[] head = new byte[10];
        try (var in = Files.newInputStream(npy)) {
            assertEquals(10, in.read(head));
        }
        return 10 + ((head[8] & 0xFF) | (head[9] & 0xFF) << 8);
    }
}
