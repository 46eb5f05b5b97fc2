package org.unidiff.shapes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the training dataset the Python recipe reads, and the fixed evaluation sets the benchmarks read.
 *
 * <p>Training directory:
 * <ul>
 *   <li>{@code images.npy}: uint8 (N, 64, 64, 3), .npy version 1.0, row-major RGB;</li>
 *   <li>{@code items.jsonl}: one JSON object per item, {@code {"images": [i0, ...], "captions": [[variant 0
 *       caption per image], ...], "scenes": [{"background", "color", "shape", "size", "position", "center":
 *       [x, y]}, ...]}}; singles (group size 1) first, then groups (2 to 4), images numbered in item order;</li>
 *   <li>{@code meta.json}: format version, seed, counts, image size, vocabulary, palette, positions, held-out
 *       pairs and the caption rules.</li>
 * </ul>
 * Evaluation directory: {@code eval.jsonl} (index, prompt, seed, scene, held_out), {@code eval_images.npy}
 * (the rendered scene of each entry, same order) and {@code meta.json}.
 *
 * <p>All randomness comes from one {@link SplittableRandom} seeded with the configured seed and consumed in a
 * fixed order, and rendering is a pure function of the scene, so the same configuration always produces
 * byte-identical files even though images are rendered in parallel.
 */
public final class DatasetWriter {

    /** Version of the directory layout and JSON fields; bump on any incompatible change. */
    public static final int FORMAT_VERSION = 1;

    private static final Logger LOG = LoggerFactory.getLogger(DatasetWriter.class);
    private static final int CHUNK = 1024;
    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);

    private DatasetWriter() {
    }

    /**
     * What to write.
     *
     * @param seed seed of all sampling
     * @param singles number of single-image items
     * @param groups number of group items (2 to 4 images each)
     * @param variants caption variants per item, at least 1
     */
    public record Config(long seed, int singles, int groups, int variants) {
        /** Checks the counts. */
        public Config {
            if (singles < 0 || groups < 0 || singles + groups == 0) {
                throw new IllegalArgumentException("need non-negative singles and groups, not both zero; got singles="
                        + singles + ", groups=" + groups);
            }
            if (variants < 1) {
                throw new IllegalArgumentException("variants must be at least 1, got " + variants);
            }
        }
    }

    /**
     * What was written.
     *
     * @param items number of items (or evaluation entries)
     * @param images number of images in the .npy file
     * @param seconds wall time of the whole write
     */
    public record Summary(int items, int images, double seconds) {
        /** Images written per second. */
        public double imagesPerSecond() {
            return images / seconds;
        }
    }

    /**
     * Draws the training items: singles from the training scene sampler, then groups from the training group
     * sampler, each followed by its K caption variants. Held-out pairs never occur.
     */
    public static List<TrainingItem> sampleItems(Config config) {
        SplittableRandom random = new SplittableRandom(config.seed());
        SceneSampler scenes = SceneSampler.forTraining();
        GroupSampler groups = GroupSampler.forTraining();
        List<TrainingItem> items = new ArrayList<>(config.singles() + config.groups());
        for (int i = 0; i < config.singles(); i++) {
            items.add(caption(List.of(scenes.sample(random)), config.variants(), random));
        }
        for (int i = 0; i < config.groups(); i++) {
            items.add(caption(groups.sample(random).members(), config.variants(), random));
        }
        return items;
    }

    private static TrainingItem caption(List<Scene> scenes, int variants, SplittableRandom random) {
        List<List<String>> captions = new ArrayList<>(variants);
        for (int k = 0; k < variants; k++) {
            captions.add(Captions.sampleFor(scenes, random));
        }
        return new TrainingItem(scenes, captions);
    }

    /** Writes the training dataset into {@code directory} (created if missing, files replaced). */
    public static Summary writeTraining(Path directory, Config config) throws IOException {
        Objects.requireNonNull(directory, "directory");
        long start = System.nanoTime();
        Files.createDirectories(directory);
        List<TrainingItem> items = sampleItems(config);
        List<Scene> allScenes = new ArrayList<>();
        try (Writer out = Files.newBufferedWriter(directory.resolve("items.jsonl"), StandardCharsets.UTF_8)) {
            for (TrainingItem item : items) {
                List<Integer> indices = new ArrayList<>(item.scenes().size());
                List<Map<String, Object>> sceneJson = new ArrayList<>(item.scenes().size());
                for (Scene scene : item.scenes()) {
                    indices.add(allScenes.size());
                    allScenes.add(scene);
                    sceneJson.add(sceneJson(scene));
                }
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("images", indices);
                line.put("captions", item.captionVariants());
                line.put("scenes", sceneJson);
                out.write(JSON.writeValueAsString(line));
                out.write('\n');
            }
        }
        writeImages(directory.resolve("images.npy"), allScenes);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format_version", FORMAT_VERSION);
        meta.put("kind", "training");
        meta.put("seed", config.seed());
        meta.put("singles", config.singles());
        meta.put("groups", config.groups());
        meta.put("variants", config.variants());
        meta.put("items", items.size());
        meta.put("images", allScenes.size());
        meta.putAll(worldMeta());
        JSON.writerWithDefaultPrettyPrinter().writeValue(directory.resolve("meta.json").toFile(), meta);
        Summary summary = new Summary(items.size(), allScenes.size(), (System.nanoTime() - start) / 1e9);
        LOG.info("wrote {} items, {} images to {} in {} s ({} images/s)", summary.items(), summary.images(),
                directory, String.format("%.2f", summary.seconds()), String.format("%.0f", summary.imagesPerSecond()));
        return summary;
    }

    /** Writes the full-caption evaluation set of {@link EvaluationSet#fullCaptions} into {@code directory}. */
    public static Summary writeEvaluation(Path directory, long seed, int repeats) throws IOException {
        Objects.requireNonNull(directory, "directory");
        long start = System.nanoTime();
        Files.createDirectories(directory);
        List<EvalPrompt> prompts = EvaluationSet.fullCaptions(seed, repeats);
        List<Scene> scenes = new ArrayList<>(prompts.size());
        try (Writer out = Files.newBufferedWriter(directory.resolve("eval.jsonl"), StandardCharsets.UTF_8)) {
            for (EvalPrompt prompt : prompts) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("index", prompt.index());
                line.put("prompt", prompt.prompt());
                line.put("seed", prompt.seed());
                line.put("scene", sceneJson(prompt.scene()));
                line.put("held_out", prompt.heldOut());
                out.write(JSON.writeValueAsString(line));
                out.write('\n');
                scenes.add(prompt.scene());
            }
        }
        writeImages(directory.resolve("eval_images.npy"), scenes);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format_version", FORMAT_VERSION);
        meta.put("kind", "evaluation");
        meta.put("seed", seed);
        meta.put("repeats", repeats);
        meta.put("items", prompts.size());
        meta.put("images", scenes.size());
        meta.putAll(worldMeta());
        JSON.writerWithDefaultPrettyPrinter().writeValue(directory.resolve("meta.json").toFile(), meta);
        Summary summary = new Summary(prompts.size(), scenes.size(), (System.nanoTime() - start) / 1e9);
        LOG.info("wrote {} evaluation entries to {} in {} s", summary.items(), directory,
                String.format("%.2f", summary.seconds()));
        return summary;
    }

    /** Streams the renders of {@code scenes} into a .npy file, rendering each chunk in parallel. */
    static void writeImages(Path file, List<Scene> scenes) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            NpyWriter.writeUint8Header(out, scenes.size(), Renderer.IMAGE_SIZE, Renderer.IMAGE_SIZE, 3);
            byte[] chunk = new byte[CHUNK * Renderer.IMAGE_BYTES];
            for (int first = 0; first < scenes.size(); first += CHUNK) {
                int base = first;
                int count = Math.min(CHUNK, scenes.size() - first);
                IntStream.range(0, count).parallel()
                        .forEach(j -> Renderer.renderInto(scenes.get(base + j), chunk, j * Renderer.IMAGE_BYTES));
                out.write(chunk, 0, count * Renderer.IMAGE_BYTES);
            }
        }
    }

    /** The JSON form of a scene, as written in items.jsonl and eval.jsonl. */
    public static Map<String, Object> sceneJson(Scene scene) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("background", scene.background().word());
        json.put("color", scene.color().word());
        json.put("shape", scene.shape().word());
        json.put("size", scene.size().word());
        json.put("position", scene.position().id());
        json.put("center", List.of(scene.centerX(), scene.centerY()));
        return json;
    }

    /** The description of the world shared by training and evaluation meta.json. */
    static Map<String, Object> worldMeta() {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("image_size", Renderer.IMAGE_SIZE);
        meta.put("channels", 3);
        meta.put("vocabulary", Vocabulary.words());
        Map<String, Object> palette = new LinkedHashMap<>();
        Map<String, int[]> backgrounds = new LinkedHashMap<>();
        for (Background b : Background.values()) {
            backgrounds.put(b.word(), b.rgb().toArray());
        }
        Map<String, int[]> colors = new LinkedHashMap<>();
        for (Color c : Color.values()) {
            colors.put(c.word(), c.rgb().toArray());
        }
        palette.put("backgrounds", backgrounds);
        palette.put("colors", colors);
        meta.put("palette", palette);
        List<String> shapes = new ArrayList<>();
        for (Shape s : Shape.values()) {
            shapes.add(s.word());
        }
        meta.put("shapes", shapes);
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (Size s : Size.values()) {
            sizes.put(s.word(), s.extent());
        }
        meta.put("sizes", sizes);
        List<Map<String, Object>> positions = new ArrayList<>();
        for (Position p : Position.values()) {
            Map<String, Object> position = new LinkedHashMap<>();
            position.put("id", p.id());
            position.put("phrase", p.phrase());
            position.put("center", List.of(p.centerX(), p.centerY()));
            positions.add(position);
        }
        meta.put("positions", positions);
        meta.put("max_jitter", Scene.MAX_JITTER);
        List<List<String>> heldOut = new ArrayList<>();
        for (HeldOut pair : HeldOut.PAIRS) {
            heldOut.add(List.of(pair.color().word(), pair.shape().word()));
        }
        meta.put("held_out", heldOut);
        Map<String, Object> rules = new LinkedHashMap<>();
        rules.put("single_full_probability", Captions.SINGLE_FULL_PROBABILITY);
        rules.put("single_clause_probability", Captions.SINGLE_CLAUSE_PROBABILITY);
        rules.put("group_position_probability", Captions.GROUP_POSITION_PROBABILITY);
        rules.put("group_style_probability", Captions.GROUP_STYLE_PROBABILITY);
        rules.put("group_sizes", List.of(SceneGroup.MIN_SIZE, SceneGroup.MAX_SIZE));
        meta.put("caption_rules", rules);
        return meta;
    }
}
