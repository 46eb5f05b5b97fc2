package org.unidiff.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The same-engine peer: {@code unidiff-bench/src/main/python/ort_peer.py}, a lean Python pipeline that runs a
 * bundle's ONNX files in Python onnxruntime with the reference's plan, solver and guidance code, kept running as
 * a subprocess and asked for one task at a time, so that a benchmark can alternate Java and Python runs.
 *
 * <p>Its Python environment is made by {@code ort-venv.sh} (a virtual environment in a git-ignored folder of the
 * repository, packages installed by pip from its configured sources) unless an interpreter is given.
 */
public final class OrtPeer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OrtPeer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The peer script, relative to the repository root. */
    public static final String SCRIPT = "unidiff-bench/src/main/python/ort_peer.py";
    /** The script that makes the peer's Python environment, relative to the repository root. */
    public static final String VENV_SCRIPT = "unidiff-bench/src/main/python/ort-venv.sh";
    /** Where that environment goes by default, relative to the repository root (git-ignored). */
    public static final String DEFAULT_VENV = ".venv-ort";

    /**
     * How to start the peer.
     *
     * @param python       interpreter with onnxruntime and numpy
     * @param repo         repository root (holds models/ and the script)
     * @param bundle       the bundle whose ONNX files it runs
     * @param transformer  another transformer ONNX file instead of the bundle's, or null
     * @param steps        solver steps
     * @param guidance     guidance scale
     * @param threads      intra-op threads, 0 for onnxruntime's choice
     * @param prompt       the text to image prompt of the timed tasks
     * @param captions     the group task's captions
     * @param captionImage raw RGB bytes of the captioning input, or null
     */
    public record Config(Path python, Path repo, Path bundle, Path transformer, int steps, double guidance,
                         int threads, String prompt, List<String> captions, Path captionImage) {
    }

    /**
     * One task run on the peer.
     *
     * @param nanos     the whole task
     * @param callNanos each transformer call in it
     * @param rows      batch rows of the last transformer call
     */
    public record Run(long nanos, long[] callNanos, int rows) {
    }

    /**
     * The outcome of preparing the peer's interpreter: one of the two is set.
     *
     * @param python the interpreter, or null
     * @param whyNot why there is none, or null
     */
    public record Setup(Path python, String whyNot) {
    }

    private final Process process;
    private final BufferedWriter in;
    private final BufferedReader out;
    private final Path errors;
    private final JsonNode info;

    private OrtPeer(Process process, Path errors) throws IOException {
        this.process = process;
        this.errors = errors;
        this.in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        ObjectNode hello = JSON.createObjectNode().put("op", "info");
        this.info = ask(hello);
    }

    /**
     * Makes (once) or finds the peer's Python environment by running {@link #VENV_SCRIPT}; never throws for a
     * failing installation, it says why instead.
     *
     * @param repo repository root
     * @param venv the environment's folder
     */
    public static Setup setUp(Path repo, Path venv) {
        Path script = repo.resolve(VENV_SCRIPT);
        if (!Files.isRegularFile(script)) {
            return new Setup(null, VENV_SCRIPT + " not found under " + repo);
        }
        Path log = null;
        try {
            log = Files.createTempFile("unidiff-ort-venv", ".log");
            Process p = new ProcessBuilder("bash", script.toString(), venv.toAbsolutePath().toString())
                    .directory(repo.toFile()).redirectError(log.toFile()).start();
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(20, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return new Setup(null, "making the onnxruntime environment took over 20 minutes");
            }
            if (p.exitValue() != 0 || stdout.isEmpty()) {
                return new Setup(null, "onnxruntime could not be installed into " + venv + ": " + lastLine(log));
            }
            String last = stdout.lines().reduce((a, b) -> b).orElseThrow();
            return new Setup(Path.of(last), null);
        } catch (IOException e) {
            return new Setup(null, "could not run " + VENV_SCRIPT + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Setup(null, "interrupted while making the onnxruntime environment");
        } finally {
            deleteQuietly(log);
        }
    }

    /**
     * Starts the peer and waits until it has loaded the bundle.
     *
     * @throws IOException if it cannot start or does not answer
     */
    public static OrtPeer start(Config config) throws IOException {
        List<String> command = new ArrayList<>(List.of(config.python().toString(),
                config.repo().resolve(SCRIPT).toString(),
                "--models", config.repo().resolve("models").toString(),
                "--bundle", config.bundle().toAbsolutePath().toString(),
                "--steps", Integer.toString(config.steps()),
                "--guidance", Double.toString(config.guidance()),
                "--threads", Integer.toString(config.threads()),
                "--prompt", config.prompt(),
                "--group-captions", String.join("|", config.captions())));
        if (config.transformer() != null) {
            command.addAll(List.of("--transformer", config.transformer().toAbsolutePath().toString()));
        }
        if (config.captionImage() != null) {
            command.addAll(List.of("--caption-image", config.captionImage().toString()));
        }
        LOG.info("onnxruntime peer: {}", String.join(" ", command));
        Path errors = Files.createTempFile("unidiff-ort-peer", ".log");
        Process process = new ProcessBuilder(command).directory(config.repo().toFile())
                .redirectError(errors.toFile()).start();
        try {
            return new OrtPeer(process, errors);
        } catch (IOException e) {
            process.destroyForcibly();
            deleteQuietly(errors);
            throw e;
        }
    }

    /** The onnxruntime version the peer runs. */
    public String onnxruntimeVersion() {
        return info.path("onnxruntime").asText("?");
    }

    /**
     * Runs one timed task ({@link SpeedTask#id()}) with the peer's own seeded noise.
     *
     * @throws IOException if the peer fails or answers with an error
     */
    public Run run(String task, long seed) throws IOException {
        JsonNode a = ask(JSON.createObjectNode().put("op", "run").put("task", task).put("seed", seed));
        JsonNode calls = a.path("calls");
        long[] callNanos = new long[calls.size()];
        for (int i = 0; i < callNanos.length; i++) {
            callNanos[i] = Math.round(calls.get(i).asDouble() * 1e9);
        }
        return new Run(Math.round(a.path("seconds").asDouble() * 1e9), callNanos, a.path("rows").asInt());
    }

    /**
     * Text to image replaying recorded noise: one little-endian float64 file per output, the images written raw
     * (N x H x W x 3 bytes) to {@code images} and the final image latents (little-endian float64, N x C x h x w)
     * beside it, to {@code images} + {@code ".latents"}.
     *
     * @return how many recorded numbers each output's file had left over
     * @throws IOException if the peer fails or answers with an error
     */
    public int[] textToImage(String prompt, List<Path> noise, Path images, int steps, double guidance)
            throws IOException {
        ObjectNode q = JSON.createObjectNode().put("op", "t2i").put("prompt", prompt).put("steps", steps)
                .put("guidance", guidance).put("out", images.toAbsolutePath().toString());
        noise.forEach(p -> q.withArray("noise").add(p.toAbsolutePath().toString()));
        JsonNode left = ask(q).path("noise_left");
        int[] out = new int[left.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = left.get(i).asInt();
        }
        return out;
    }

    private JsonNode ask(ObjectNode request) throws IOException {
        in.write(JSON.writeValueAsString(request));
        in.newLine();
        in.flush();
        String line = out.readLine();
        if (line == null) {
            throw new IOException("the onnxruntime peer ended: " + lastLine(errors));
        }
        JsonNode answer = JSON.readTree(line);
        if (answer.has("error")) {
            throw new IOException("the onnxruntime peer failed: " + answer.path("error").asText());
        }
        return answer;
    }

    @Override
    public void close() {
        try {
            ask(JSON.createObjectNode().put("op", "quit"));
            in.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            deleteQuietly(errors);
        }
    }

    private static String lastLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank()).toList();
            String last = lines.isEmpty() ? "(no message)" : lines.get(lines.size() - 1);
            return last.length() <= 300 ? last : last.substring(0, 300) + "...";
        } catch (IOException e) {
            return "(its messages could not be read: " + e.getMessage() + ")";
        }
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
