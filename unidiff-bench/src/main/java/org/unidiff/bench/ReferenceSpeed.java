package org.unidiff.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unidiff.shapes.Renderer;

/**
 * Times the speed tasks on the Python reference pipeline ({@code models/unidiff_models/reference}, PyTorch on
 * the trained checkpoints) by running {@code unidiff-bench/src/main/python/reference_speed.py} as a subprocess
 * with the same inputs, steps and guidance as the Java runs, and reading the JSON line it prints.
 */
public final class ReferenceSpeed {

    private static final Logger LOG = LoggerFactory.getLogger(ReferenceSpeed.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The driver script, relative to the repository root. */
    public static final String SCRIPT = "unidiff-bench/src/main/python/reference_speed.py";
    /** The reference package the script imports, relative to the repository root. */
    public static final String PACKAGE = "models/unidiff_models/reference/pipeline.py";

    /**
     * What the reference measured.
     *
     * @param timings     seconds of each repetition by task id
     * @param unavailable why a task (by id) or the whole reference ("*") could not be timed
     * @param threads     torch's intra-op threads, or 0 if it did not run
     */
    public record Result(Map<String, Timings> timings, Map<String, String> unavailable, int threads) {

        /** Nothing could run, for the given reason. */
        public static Result notAvailable(String reason) {
            return new Result(Map.of(), Map.of("*", reason), 0);
        }

        /** The reason the reference has no time for a task, if it has none. */
        public Optional<String> whyNot(String task) {
            if (timings.containsKey(task)) {
                return Optional.empty();
            }
            return Optional.of(unavailable.getOrDefault(task, unavailable.getOrDefault("*", "not run")));
        }
    }

    /**
     * How to run the reference.
     *
     * @param python   the Python interpreter
     * @param repo     the repository root (holds models/ and the driver script)
     * @param work     the training run directory with the PyTorch checkpoints
     * @param bundle   the bundle exported from it (for the caption settings)
     * @param threads  torch threads (0 for torch's choice)
     */
    public record Config(Path python, Path repo, Path work, Path bundle, int threads) {
    }

    private ReferenceSpeed() {
    }

    /** Why the reference cannot run with this configuration, or empty if it can be tried. */
    public static Optional<String> precheck(Config config, String sampler) {
        if (!sampler.equals("dpm-solver")) {
            return Optional.of("the reference implements the dpm-solver sampler only, not " + sampler);
        }
        if (!Files.isRegularFile(config.repo().resolve(PACKAGE))) {
            return Optional.of(PACKAGE + " not found under " + config.repo());
        }
        if (!Files.isRegularFile(config.work().resolve("uvit.pt"))) {
            return Optional.of("no trained PyTorch checkpoints (uvit.pt) in " + config.work()
                    + "; the reference loads the training run, not the ONNX bundle (--reference-work)");
        }
        if (!Files.isExecutable(config.python())) {
            return Optional.of("no Python interpreter at " + config.python());
        }
        return Optional.empty();
    }

    /** Runs the given tasks on the reference; never throws for a failing reference, it reports why instead. */
    public static Result run(Config config, List<SpeedTask> tasks, int steps, double guidance, long seed,
                             int warmup, int repeats) {
        Path image = null;
        Path errors = null;
        try {
            image = Files.createTempFile("unidiff-bench-caption", ".rgb");
            Files.write(image, Renderer.renderBytes(SpeedTask.CAPTION_SCENE));
            errors = Files.createTempFile("unidiff-bench-reference", ".log");
            List<String> command = new ArrayList<>(List.of(config.python().toString(),
                    config.repo().resolve(SCRIPT).toString(),
                    "--models", config.repo().resolve("models").toString(),
                    "--work", config.work().toString(),
                    "--steps", Integer.toString(steps),
                    "--guidance", Double.toString(guidance),
                    "--repeats", Integer.toString(repeats),
                    "--warmup", Integer.toString(warmup),
                    "--threads", Integer.toString(config.threads()),
                    "--seed", Long.toString(seed),
                    "--tasks", String.join(",", tasks.stream().map(SpeedTask::id).toList()),
                    "--prompt", SpeedTask.PROMPT,
                    "--group-captions", String.join("|", SpeedTask.GROUP_CAPTIONS),
                    "--caption-image", image.toString()));
            if (config.bundle() != null) {
                command.addAll(List.of("--bundle", config.bundle().toString()));
            }
            LOG.info("reference: {}", String.join(" ", command));
            Process process = new ProcessBuilder(command).directory(config.repo().toFile())
                    .redirectError(errors.toFile()).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = process.waitFor();
            if (exit != 0) {
                return Result.notAvailable("the reference exited with " + exit + ": " + lastLine(errors));
            }
            return parse(out);
        } catch (IOException e) {
            return Result.notAvailable("could not run the reference: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.notAvailable("interrupted while the reference ran");
        } finally {
            deleteQuietly(image);
            deleteQuietly(errors);
        }
    }

    /**
     * Reads the driver's output: the last non-blank line is
     * {@code {"tasks": {id: [seconds...]}, "unavailable": {id: reason}, "threads": n}}.
     */
    public static Result parse(String stdout) {
        String last = stdout.strip().lines().reduce((a, b) -> b).orElse("");
        JsonNode root;
        try {
            root = JSON.readTree(last);
        } catch (IOException e) {
            return Result.notAvailable("the reference printed no JSON result line (got '" + abbreviate(last) + "')");
        }
        if (root == null || !root.path("tasks").isObject()) {
            return Result.notAvailable("the reference's result has no 'tasks' object: " + abbreviate(last));
        }
        Map<String, Timings> timings = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("tasks").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Timings t = new Timings();
            for (JsonNode seconds : e.getValue()) {
                t.add(Math.round(seconds.asDouble() * 1e9));
            }
            timings.put(e.getKey(), t);
        }
        Map<String, String> unavailable = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("unavailable").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            unavailable.put(e.getKey(), e.getValue().asText());
        }
        return new Result(timings, unavailable, root.path("threads").asInt(0));
    }

    private static String lastLine(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "(no message)" : abbreviate(lines.get(lines.size() - 1));
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                LOG.debug("could not delete {}: {}", p, e.getMessage());
            }
        }
    }
}
