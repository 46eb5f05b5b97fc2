package org.unidiff.bench.server;

import org.unidiff.api.core.Task;
import org.unidiff.server.Pngs;
import org.unidiff.server.ServerMain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * A bounded soak of the service on loopback: the server runs as its own process (so its resident
 * memory is its own), clients send a seeded mix of valid and hostile traffic for a few minutes,
 * and the report gives requests by kind and status, p50/p99 latency of the valid ones, the
 * server's RSS over time, and the checks: every request answered, no valid result mixed up (each
 * carries its own seed and prompt), only the statuses each kind may get, the server's own count
 * of finished jobs equal to the results clients received, and a clean SIGTERM exit.
 *
 * <pre>
 * mvn -B -q -pl unidiff-server -am package -Dmaven.test.skip=true
 * java -cp unidiff-server/target/unidiff-server.jar:$(cat unidiff-server/target/classpath.txt) \
 *     org.unidiff.server.ServerSoak [minutes 1-10] [clients] [server heap, e.g. 1g] [report.md]
 * </pre>
 */
public final class ServerSoak {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String TOKEN = "soak-token";
    private static final Pattern LISTENING = Pattern.compile("on http://127\\.0\\.0\\.1:(\\d+)/");

    /** A kind of request, how often it is sent, and the statuses it may get. */
    private enum Kind {
        TEXT_TO_IMAGE(30, 200, 429), CAPTION(15, 200, 429), TEXT_ONLY(10, 200, 429), JOB_AND_EVENTS(5, 200, 429),
        OPENAI(5, 200, 429), MALFORMED_JSON(4, 400), WRONG_TYPES(4, 400), HUGE_PROMPT(3, 400),
        PNG_BOMB(3, 400), SIXTEEN_BIT_4MP(4, 200, 429), NO_TOKEN(4, 401), METRICS_SLASH(2, 401),
        REBINDING_HOST(3, 403), WRONG_METHOD(2, 405), SLOW_BODY(2, 408), HUGE_BODY(2, 413);

        final int weight;
        final int[] allowed;

        Kind(int weight, int... allowed) {
            this.weight = weight;
            this.allowed = allowed;
        }
    }

    private record Outcome(Kind kind, int status, double seconds, String problem) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final AtomicLong resultsReceived = new AtomicLong();
    private final List<String> mixedUp = Collections.synchronizedList(new ArrayList<>());
    private final String smallPng;
    private final String wide16BitPng;
    private final String bombPng;
    private int port;

    private ServerSoak() throws IOException {
        BufferedImage small = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        small.getGraphics().fillOval(16, 16, 32, 32);
        smallPng = Pngs.encode(small);
        wide16BitPng = sixteenBit(2048, 2048);
        bombPng = Base64.getEncoder().encodeToString(bombHeader(26000, 26000));
    }

    /** Runs the soak and prints (and optionally writes) the report. */
    public static void main(String[] args) throws Exception {
        double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 6;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        String heap = args.length > 2 ? args[2] : "1g";
        if (minutes <= 0 || minutes > 10) {
            throw new IllegalArgumentException("minutes must be more than 0 and at most 10, found " + minutes);
        }
        String report = new ServerSoak().run(minutes, clients, heap);
        System.out.println(report);
        if (args.length > 3) {
            Files.writeString(Path.of(args[3]), report);
        }
    }

    private String run(double minutes, int clients, String heap) throws Exception {
        String classpath = System.getProperty("java.class.path");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process server = new ProcessBuilder(java.toString(), "-Xmx" + heap, "-Djava.awt.headless=true", "-cp",
                classpath, ServerMain.class.getName(), "--port", "0", "--token", TOKEN, "--queue", "16")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        Matcher m = LISTENING.matcher(String.valueOf(first));
        if (!m.find()) {
            server.destroyForcibly();
            throw new IllegalStateException("the server did not start: " + first);
        }
        port = Integer.parseInt(m.group(1));
        Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "server-stdout");
        drain.setDaemon(true);
        drain.start();

        List<long[]> rss = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        long end = start + (long) (minutes * 60e9);
        Thread sampler = new Thread(() -> {
            while (System.nanoTime() < end && server.isAlive()) {
                rss.add(new long[] {(System.nanoTime() - start) / 1_000_000_000L, rssKib(server.pid())});
                try {
                    // The sampling interval of the report, not a wait for an event.
                    Thread.sleep(5000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");
        sampler.start();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> work = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            work.add(pool.submit(() -> {
                SplittableRandom random = new SplittableRandom(1000 + client);
                long n = 0;
                while (System.nanoTime() < end) {
                    Kind kind = pick(random);
                    long seed = client * 1_000_000L + n++;
                    long t0 = System.nanoTime();
                    int status;
                    String problem = null;
                    try {
                        status = send(kind, seed);
                    } catch (Exception e) {
                        status = -1;
                        problem = e.getClass().getSimpleName() + ": " + e.getMessage();
                    }
                    outcomes.add(new Outcome(kind, status, (System.nanoTime() - t0) / 1e9, problem));
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        pool.shutdown();
        sampler.join();
        JsonNode metrics = metricsDone();
        // SIGTERM (a graceful stop) through the handle: Process.destroy would also close the pipe
        // the drain thread reads.
        server.toHandle().destroy();
        boolean exited = server.waitFor(60, TimeUnit.SECONDS);
        int exit = exited ? server.exitValue() : -1;
        return report(minutes, clients, heap, rss, metrics, exit);
    }

    private static Kind pick(SplittableRandom random) {
        int total = 0;
        for (Kind k : Kind.values()) {
            total += k.weight;
        }
        int r = random.nextInt(total);
        for (Kind k : Kind.values()) {
            r -= k.weight;
            if (r < 0) {
                return k;
            }
        }
        throw new AssertionError();
    }

    private int send(Kind kind, long seed) throws Exception {
        return switch (kind) {
            case TEXT_TO_IMAGE -> valid(Task.TEXT_TO_IMAGE_ID, seed, seed % 7 == 0 ? "a small red circle" : "a small red circle at the top");
            case CAPTION -> valid(Task.IMAGE_TO_TEXT_ID, seed, null);
            case TEXT_ONLY -> valid(Task.TEXT_ONLY_ID, seed, null);
            case JOB_AND_EVENTS -> jobAndEvents(seed);
            case OPENAI -> openAi(seed);
            case MALFORMED_JSON -> post("/api/run", "{\"task\": \"text-to-image\", \"prompt\": ", true).statusCode();
            case WRONG_TYPES -> post("/api/run", "{\"task\": \"text-to-image\", \"prompt\": 5, \"steps\": \"x\"}", true)
                    .statusCode();
            case HUGE_PROMPT -> post("/api/run", body(Task.TEXT_TO_IMAGE_ID, seed, "a".repeat(1 << 20)).toString(), true)
                    .statusCode();
            case PNG_BOMB -> post("/api/run", body(Task.IMAGE_TO_TEXT_ID, seed, null).put("image", bombPng).toString(), true)
                    .statusCode();
            case SIXTEEN_BIT_4MP -> post("/api/jobs", body(Task.IMAGE_TO_TEXT_ID, seed, null).put("image", wide16BitPng)
                    .toString(), true).statusCode() == 202 ? 200 : 429;
            case NO_TOKEN -> post("/api/run", body(Task.TEXT_ONLY_ID, seed, null).toString(), false).statusCode();
            case METRICS_SLASH -> get("/metrics/", false).statusCode();
            case REBINDING_HOST -> rawStatus("GET /api/model HTTP/1.1\r\nHost: evil.example\r\nAuthorization: Bearer "
                    + TOKEN + "\r\nConnection: close\r\n\r\n", false);
            case WRONG_METHOD -> http.send(request("/api/model", true).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode();
            case SLOW_BODY -> rawStatus("POST /api/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{", true);
            case HUGE_BODY -> rawStatus("POST /api/run HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + (200L << 20) + "\r\n\r\n{", false);
        };
    }

    private ObjectNode body(String task, long seed, String prompt) {
        ObjectNode n = MAPPER.createObjectNode().put("task", task).put("seed", seed).put("steps", 3);
        if (prompt != null) {
            n.put("prompt", prompt);
        }
        if (task.equals(Task.IMAGE_TO_TEXT_ID)) {
            n.put("image", smallPng);
        }
        return n;
    }

    /** A valid synchronous request; checks the result is its own (seed, task, prompt). */
    private int valid(String task, long seed, String prompt) throws Exception {
        HttpResponse<String> r = post("/api/run", body(task, seed, prompt).toString(), true);
        if (r.statusCode() == 200) {
            check(MAPPER.readTree(r.body()), task, seed, prompt);
        }
        return r.statusCode();
    }

    private void check(JsonNode job, String task, long seed, String prompt) {
        JsonNode p = job.path("result").path("parameters");
        resultsReceived.incrementAndGet();
        if (p.path("seed").asLong(-1) != seed || !p.path("task").asText().equals(task)
                || (prompt != null && !p.path("prompts").path(0).asText().equals(prompt))) {
            mixedUp.add(task + " seed " + seed + " got " + p);
        }
    }

    private int jobAndEvents(long seed) throws Exception {
        HttpResponse<String> submitted = post("/api/jobs", body(Task.TEXT_TO_IMAGE_ID, seed, "a blue square").toString(), true);
        if (submitted.statusCode() != 202) {
            return submitted.statusCode();
        }
        String id = MAPPER.readTree(submitted.body()).path("id").asText();
        HttpResponse<java.util.stream.Stream<String>> events = http.send(request("/api/jobs/" + id + "/events", true)
                .GET().build(), HttpResponse.BodyHandlers.ofLines());
        JsonNode last = null;
        try (java.util.stream.Stream<String> lines = events.body()) {
            for (String l : (Iterable<String>) lines::iterator) {
                if (l.startsWith("data: ")) {
                    last = MAPPER.readTree(l.substring(6));
                    if (last.path("status").asText().matches("done|failed|cancelled")) {
                        break;
                    }
                }
            }
        }
        if (last == null || !last.path("status").asText().equals("done")) {
            return 500;
        }
        check(last, Task.TEXT_TO_IMAGE_ID, seed, "a blue square");
        return 200;
    }

    private int openAi(long seed) throws Exception {
        ObjectNode b = MAPPER.createObjectNode().put("prompt", "a green triangle").put("n", 1).put("size", "64x64")
                .put("seed", seed).put("steps", 3);
        HttpResponse<String> r = post("/v1/images/generations", b.toString(), true);
        if (r.statusCode() == 200) {
            resultsReceived.incrementAndGet();
            if (MAPPER.readTree(r.body()).path("data").size() != 1) {
                mixedUp.add("openai seed " + seed + ": " + r.body().length() + " bytes without one image");
            }
        }
        return r.statusCode();
    }

    private HttpRequest.Builder request(String path, boolean withToken) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofMinutes(5));
        if (withToken) {
            b.header("Authorization", "Bearer " + TOKEN);
        }
        return b;
    }

    private HttpResponse<String> post(String path, String body, boolean withToken) throws Exception {
        return http.send(request(path, withToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, boolean withToken) throws Exception {
        return http.send(request(path, withToken).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends raw bytes (optionally one more byte a second, a slow client) and returns the answer's status. */
    private int rawStatus(String head, boolean trickle) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(120_000);
            s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            // A slow client: one more byte a second until the server answers (its pace, not a guess).
            for (int i = 0; trickle && i < 30 && s.getInputStream().available() == 0; i++) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                try {
                    s.getOutputStream().write(' ');
                } catch (IOException answeredAndClosed) {
                    break;
                }
            }
            byte[] line = s.getInputStream().readNBytes(12);
            String text = new String(line, StandardCharsets.US_ASCII);
            return text.startsWith("HTTP/1.1 ") ? Integer.parseInt(text.substring(9, 12)) : -1;
        }
    }

    private JsonNode metricsDone() throws Exception {
        String text = get("/metrics", true).body();
        ObjectNode n = MAPPER.createObjectNode();
        for (String l : text.split("\n")) {
            if (l.startsWith("unidiff_jobs_finished_total{outcome=\"done\"}")) {
                n.put("done", Long.parseLong(l.substring(l.lastIndexOf(' ') + 1)));
            }
        }
        return n;
    }

    private static long rssKib(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private String report(double minutes, int clients, String heap, List<long[]> rss, JsonNode metrics, int exit) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "### Soak: %.1f minutes, %d clients, server heap %s, queue 16, 3 steps%n%n",
                minutes, clients, heap));
        Map<Kind, Map<Integer, Integer>> byKind = new TreeMap<>();
        Map<Kind, List<Double>> latencies = new TreeMap<>();
        List<String> unexpected = new ArrayList<>();
        Map<String, Integer> errors = new ConcurrentHashMap<>();
        for (Outcome o : outcomes) {
            byKind.computeIfAbsent(o.kind(), k -> new TreeMap<>()).merge(o.status(), 1, Integer::sum);
            latencies.computeIfAbsent(o.kind(), k -> new ArrayList<>()).add(o.seconds());
            boolean ok = false;
            for (int a : o.kind().allowed) {
                ok |= a == o.status();
            }
            if (!ok) {
                unexpected.add(o.kind() + " -> " + o.status() + (o.problem() == null ? "" : " (" + o.problem() + ")"));
            }
            if (o.problem() != null) {
                errors.merge(o.problem(), 1, Integer::sum);
            }
        }
        sb.append("| kind | requests | by status | p50 s | p99 s |\n|---|---|---|---|---|\n");
        for (Map.Entry<Kind, Map<Integer, Integer>> e : byKind.entrySet()) {
            List<Double> l = latencies.get(e.getKey());
            Collections.sort(l);
            int total = e.getValue().values().stream().mapToInt(Integer::intValue).sum();
            sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %.3f | %.3f |%n", e.getKey().name().toLowerCase(Locale.ROOT),
                    total, e.getValue(), l.get(l.size() / 2), l.get(Math.min(l.size() - 1, (int) Math.ceil(l.size() * 0.99) - 1))));
        }
        sb.append(String.format(Locale.ROOT, "%n| RSS of the server | MiB |%n|---|---|%n"));
        long max = 0;
        long min = Long.MAX_VALUE;
        for (long[] s : rss) {
            max = Math.max(max, s[1]);
            min = Math.min(min, s[1]);
        }
        int every = Math.max(1, rss.size() / 12);
        for (int i = 0; i < rss.size(); i += every) {
            sb.append(String.format(Locale.ROOT, "| %d s | %d |%n", rss.get(i)[0], rss.get(i)[1] / 1024));
        }
        sb.append(String.format(Locale.ROOT, "| min / max | %d / %d |%n%n", min / 1024, max / 1024));
        long done = metrics.path("done").asLong(-1);
        sb.append("Checks:\n");
        sb.append("- requests: ").append(outcomes.size()).append(", unanswered or with a status their kind may not get: ")
                .append(unexpected.size()).append(unexpected.isEmpty() ? "" : " " + unexpected.subList(0,
                        Math.min(5, unexpected.size()))).append('\n');
        sb.append("- valid results received: ").append(resultsReceived.get()).append(", mixed up: ").append(mixedUp.size())
                .append(mixedUp.isEmpty() ? "" : " " + mixedUp.subList(0, Math.min(5, mixedUp.size()))).append('\n');
        sb.append("- jobs the server counted done: ").append(done)
                .append(" (results received plus the 16-bit caption jobs, which are submitted and not awaited)\n");
        sb.append("- exit after SIGTERM: ").append(exit).append('\n');
        if (!errors.isEmpty()) {
            sb.append("- client-side errors: ").append(errors).append('\n');
        }
        boolean pass = unexpected.isEmpty() && mixedUp.isEmpty() && exit == 0 && done >= resultsReceived.get();
        sb.append("- verdict: ").append(pass ? "PASS" : "FAIL").append('\n');
        return sb.toString();
    }

    private static String sixteenBit(int w, int h) throws IOException {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(w, h);
        BufferedImage image = new BufferedImage(cm, raster, false, null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(image, "png", bytes);
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    /** A PNG signature and header declaring w x h, no pixel data. */
    private static byte[] bombHeader(int w, int h) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        java.io.DataOutputStream d = new java.io.DataOutputStream(ihdr);
        d.write("IHDR".getBytes(StandardCharsets.US_ASCII));
        d.writeInt(w);
        d.writeInt(h);
        d.write(new byte[] {8, 2, 0, 0, 0});
        byte[] chunk = ihdr.toByteArray();
        out.writeInt(chunk.length - 4);
        out.write(chunk);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(chunk);
        out.writeInt((int) crc.getValue());
        return bytes.toByteArray();
    }
}
