package org.unidiff.shapes.incontext;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
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
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.unidiff.shapes.DatasetWriter;
import org.unidiff.shapes.NpyWriter;
import org.unidiff.shapes.Renderer;
import org.unidiff.shapes.Scene;
import org.unidiff.shapes.SceneSampler;

/**
 * Writes the data the in-context recipe trains on: a pool of random base scenes, each rendered together with its
 * target under every task, so the recipe can compose any (task, k examples, query) sequence from the pool.
 *
 * <p>Directory layout (format_version 1):
 * <ul>
 *   <li>{@code images.npy}: uint8 (N * (1 + T), 64, 64, 3); image {@code n * (1 + T)} is base scene n, image
 *       {@code n * (1 + T) + 1 + j} its target under task j of {@code meta.json}'s {@code tasks};</li>
 *   <li>{@code items.jsonl}: per base scene {@code {"scene": {...}, "unchanged": [task ids whose target has the
 *       scene's own attributes]}};</li>
 *   <li>{@code meta.json}: {@code format_version}, {@code kind} ("in-context"), {@code seed}, {@code scenes},
 *       {@code tasks} (ids, in column order), {@code held_out} (ids of {@link InContextTask#HELD_OUT}),
 *       {@code includes_held_out}.</li>
 * </ul>
 * Training pools ({@code includeHeldOut} false) have no column for a held-out task, so no held-out target is ever
 * in them. Base scenes cover all 1296 attribute combinations; the same seed gives the same bytes.
 */
public final class InContextDatasetWriter {

    /** Version of the layout above. */
    public static final int FORMAT_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK = 256;

    private InContextDatasetWriter() {
    }

    /** The tasks (columns) a pool holds. */
    public static List<InContextTask> tasks(boolean includeHeldOut) {
        return includeHeldOut ? InContextTask.all() : InContextTask.training();
    }

    /** The base scenes of a pool, drawn uniformly over all combinations with jitter. */
    public static List<Scene> sampleScenes(long seed, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        SceneSampler sampler = SceneSampler.forEvaluation();
        List<Scene> scenes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            scenes.add(sampler.sample(random));
        }
        return scenes;
    }

    /**
     * Writes a pool.
     *
     * @return the number of images written
     */
    public static long write(Path directory, long seed, int count, boolean includeHeldOut) throws IOException {
        if (count < 1) {
            throw new IllegalArgumentException("need at least one scene, got " + count);
        }
        Files.createDirectories(directory);
        List<InContextTask> tasks = tasks(includeHeldOut);
        List<Scene> scenes = sampleScenes(seed, count);
        int per = 1 + tasks.size();
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(directory.resolve("images.npy")),
                1 << 20)) {
            NpyWriter.writeUint8Header(out, count * per, Renderer.IMAGE_SIZE, Renderer.IMAGE_SIZE, 3);
            for (int from = 0; from < count; from += CHUNK) {
                int to = Math.min(count, from + CHUNK);
                byte[] chunk = new byte[(to - from) * per * Renderer.IMAGE_BYTES];
                int start = from;
                IntStream.range(from, to).parallel().forEach(n -> {
                    Scene s = scenes.get(n);
                    int base = (n - start) * per * Renderer.IMAGE_BYTES;
                    Renderer.renderInto(s, chunk, base);
                    for (int j = 0; j < tasks.size(); j++) {
                        byte[] target = tasks.get(j).render(s);
                        System.arraycopy(target, 0, chunk, base + (1 + j) * Renderer.IMAGE_BYTES, target.length);
                    }
                });
                out.write(chunk);
            }
        }
        try (Writer w = Files.newBufferedWriter(directory.resolve("items.jsonl"), StandardCharsets.UTF_8)) {
            for (Scene s : scenes) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("scene", DatasetWriter.sceneJson(s));
                item.put("unchanged", tasks.stream().filter(t -> !t.changes(s)).map(InContextTask::id).toList());
                w.write(JSON.writeValueAsString(item));
                w.write('\n');
            }
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format_version", FORMAT_VERSION);
        meta.put("kind", "in-context");
        meta.put("seed", seed);
        meta.put("scenes", count);
        meta.put("tasks", tasks.stream().map(InContextTask::id).toList());
        meta.put("held_out", InContextTask.HELD_OUT.stream().map(InContextTask::id).toList());
        meta.put("includes_held_out", includeHeldOut);
        JSON.writerWithDefaultPrettyPrinter().writeValue(directory.resolve("meta.json").toFile(), meta);
        return (long) count * per;
    }

    /**
     * Writes example folders in LaVin-DiT's naming: {@code <dir>/<task folder>/pairN_input.png} and
     * {@code pairN_target.png}, {@code pairs} pairs per task, each from a scene the task changes.
     */
    public static void writeExamples(Path directory, long seed, List<InContextTask> tasks, int pairs)
            throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        SceneSampler sampler = SceneSampler.forEvaluation();
        for (InContextTask task : tasks) {
            Path folder = directory.resolve(task.folderName());
            Files.createDirectories(folder);
            int written = 0;
            while (written < pairs) {
                Scene s = sampler.sample(random);
                if (!task.changes(s)) {
                    continue;
                }
                written++;
                png(Renderer.renderBytes(s), folder.resolve("pair" + written + "_input.png"));
                png(task.render(s), folder.resolve("pair" + written + "_target.png"));
            }
        }
    }

    private static void png(byte[] rgb, Path file) throws IOException {
        BufferedImage image = Renderer.toBufferedImage(rgb);
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer for " + file);
        }
    }
}
