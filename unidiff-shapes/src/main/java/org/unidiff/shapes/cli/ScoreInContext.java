package org.unidiff.shapes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.unidiff.shapes.Analyzer;
import org.unidiff.shapes.Background;
import org.unidiff.shapes.Color;
import org.unidiff.shapes.Position;
import org.unidiff.shapes.Renderer;
import org.unidiff.shapes.Scene;
import org.unidiff.shapes.SceneAttributes;
import org.unidiff.shapes.Shape;
import org.unidiff.shapes.Size;
import org.unidiff.shapes.incontext.InContextTask;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Scores in-context outputs written by {@code models/eval_incontext.py}: {@code images.npy} (uint8 N x 64 x 64
 * x 3) and {@code items.jsonl} ({@code {"task", "scene"}} of the query, same order). An output is right when
 * the analyzer reads exactly the attributes of the task applied to the query, or, for the mask, when its IoU
 * (pixels at level 128 or more) with the exact mask is at least 0.8. A quick check for the recipe; the
 * benchmark proper lives in the bench module.
 */
@Command(name = "score-in-context", mixinStandardHelpOptions = true,
        description = "Scores in-context outputs (images.npy + items.jsonl) with the analyzer.")
public final class ScoreInContext implements Callable<Integer> {

    private static final double IOU_THRESHOLD = 0.8;

    @Spec
    private CommandSpec spec;

    @Option(names = "--dir", required = true, description = "Directory with images.npy and items.jsonl.")
    private Path dir;

    /** Runs the command line; exits with the command's status. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new ScoreInContext()).execute(args));
    }

    /** Prints the fraction right per task and the seen / held-out totals. */
    @Override
    public Integer call() throws IOException {
        byte[] npy = Files.readAllBytes(dir.resolve("images.npy"));
        int header = 10 + ((npy[8] & 0xFF) | (npy[9] & 0xFF) << 8);
        List<String> lines = Files.readAllLines(dir.resolve("items.jsonl"));
        ObjectMapper json = new ObjectMapper();
        Map<String, int[]> perTask = new TreeMap<>();
        int[] seen = new int[2];
        int[] held = new int[2];
        for (int i = 0; i < lines.size(); i++) {
            JsonNode item = json.readTree(lines.get(i));
            InContextTask task = InContextTask.fromId(item.get("task").asText());
            Scene query = scene(item.get("scene"));
            byte[] image = new byte[Renderer.IMAGE_BYTES];
            System.arraycopy(npy, header + i * Renderer.IMAGE_BYTES, image, 0, image.length);
            boolean right = task.transform().isDense()
                    ? iou(image, Renderer.renderMaskBytes(query)) >= IOU_THRESHOLD
                    : Analyzer.analyze(image).attributes().equals(Optional.of(SceneAttributes.of(task.apply(query))));
            int[] counts = perTask.computeIfAbsent(task.id(), k -> new int[2]);
            int[] total = task.isHeldOut() ? held : seen;
            for (int[] c : new int[][] {counts, total}) {
                c[0] += right ? 1 : 0;
                c[1]++;
            }
        }
        var out = spec.commandLine().getOut();
        perTask.forEach((id, c) -> out.printf("%-22s %5.2f  (%d/%d)%s%n", id, c[0] / (double) c[1], c[0], c[1],
                InContextTask.fromId(id).isHeldOut() ? "  held out" : ""));
        out.printf("%-22s %5.2f  (%d/%d)%n", "seen tasks", seen[0] / (double) Math.max(1, seen[1]), seen[0], seen[1]);
        out.printf("%-22s %5.2f  (%d/%d)%n", "held-out tasks", held[0] / (double) Math.max(1, held[1]), held[0],
                held[1]);
        return 0;
    }

    private static double iou(byte[] image, byte[] mask) {
        int inter = 0;
        int union = 0;
        for (int p = 0; p < Renderer.IMAGE_SIZE * Renderer.IMAGE_SIZE; p++) {
            int level = ((image[3 * p] & 0xFF) + (image[3 * p + 1] & 0xFF) + (image[3 * p + 2] & 0xFF)) / 3;
            boolean a = level >= 128;
            boolean b = (mask[3 * p] & 0xFF) >= 128;
            inter += a && b ? 1 : 0;
            union += a || b ? 1 : 0;
        }
        return union == 0 ? 1.0 : inter / (double) union;
    }

    private static Scene scene(JsonNode s) {
        JsonNode c = s.get("center");
        return new Scene(Background.fromWord(s.get("background").asText()), Color.fromWord(s.get("color").asText()),
                Shape.fromWord(s.get("shape").asText()), Size.fromWord(s.get("size").asText()),
                Position.fromId(s.get("position").asText()), c.get(0).asDouble(), c.get(1).asDouble());
    }
}
