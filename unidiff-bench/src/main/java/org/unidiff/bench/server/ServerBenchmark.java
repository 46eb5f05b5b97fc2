package org.unidiff.bench.server;

import org.unidiff.server.ServerConfig;
import org.unidiff.server.UnidiffServer;
import org.unidiff.server.Pngs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.unidiff.api.core.DefaultBundle;
import org.unidiff.api.Unidiff;
import org.unidiff.api.core.UnidiffOptions;

/**
 * Measures the service on loopback and prints markdown tables: throughput of text-to-image with
 * request batching on and off at 1, 4 and 16 concurrent clients, then the resident memory of the
 * process over 1,000 requests.
 *
 * <pre>
 * mvn -B -q -pl unidiff-server -am package -Dmaven.test.skip=true
 * java -cp unidiff-server/target/unidiff-server.jar:$(cat unidiff-server/target/classpath.txt) \
 *     org.unidiff.server.ServerBenchmark [seconds per cell] [steps]
 * </pre>
 */
public final class ServerBenchmark {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int[] CLIENTS = {1, 4, 16};
    private static final int MEMORY_REQUESTS = 1000;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ServerBenchmark() {
    }

    /** Runs the benchmark and prints the tables. */
    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        new ServerBenchmark().run(seconds, steps);
    }

    private void run(double seconds, int steps) throws Exception {
        Path bundle = DefaultBundle.locate();
        try (Unidiff unidiff = Unidiff.open(UnidiffOptions.defaults().withBundle(bundle))) {
            run(unidiff, bundle, seconds, steps);
        }
    }

    private void run(Unidiff unidiff, Path bundle, double seconds, int steps) throws Exception {
        StringBuilder out = new StringBuilder();
        out.append("# Server throughput and memory\n\n")
                .append("Measured by `org.unidiff.server.ServerBenchmark` (module unidiff-server) on loopback:\n\n")
                .append("```\nmvn -B -q -pl unidiff-server -am package -Dmaven.test.skip=true\n")
                .append("java -cp unidiff-server/target/unidiff-server.jar:$(cat unidiff-server/target/classpath.txt) \\\n")
                .append("    org.unidiff.server.ServerBenchmark ").append(fmt(seconds, 0)).append(' ').append(steps)
                .append("\n```\n\n")
                .append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(System.getProperty("java.version")).append(", model ").append(unidiff.manifest().name())
                .append(" (CPU). Each client sends synchronous ")
                .append("text-to-image requests (`/api/run`, ").append(steps).append(" steps, different prompt and ")
                .append("seed each) one after another for ").append(fmt(seconds, 0)).append(" s after a warm-up. ")
                .append("Batching on: up to 16 queued requests with the same settings run in one engine call, ")
                .append("gathered for at most 20 ms; off: one request per call.\n\n")
                .append("| batching | clients | requests/s | p50 latency (s) | p95 latency (s) | mean batch size |\n")
                .append("|---|---:|---:|---:|---:|---:|\n");
        for (boolean batching : new boolean[] {false, true}) {
            ServerConfig config = ServerConfig.defaults().withAddress(ServerConfig.LOOPBACK, 0)
                    .withQueueCapacity(256)
                    .withBatching(batching ? 16 : 1, Duration.ofMillis(batching ? 20 : 0));
            try (UnidiffServer server = UnidiffServer.start(unidiff, bundle, config, org.unidiff.api.tasks.TaskRegistry.builtIn())) {
                // Warm-up at the largest load, so that every batch shape has run once before timing.
                load(server, CLIENTS[CLIENTS.length - 1], 3.0, steps);
                for (int clients : CLIENTS) {
                    Cell c = load(server, clients, seconds, steps);
                    out.append("| ").append(batching ? "on" : "off").append(" | ").append(clients).append(" | ")
                            .append(fmt(c.requests / c.seconds, 2)).append(" | ").append(fmt(c.p50, 3))
                            .append(" | ").append(fmt(c.p95, 3)).append(" | ").append(fmt(c.meanBatch, 2))
                            .append(" |\n");
                    System.err.println("done: batching " + batching + ", " + clients + " clients");
                }
            }
        }
        out.append('\n').append(memory(unidiff, bundle));
        System.out.print(out);
        System.out.flush();
    }

    /** One cell: requests done, seconds, latency percentiles, mean batch size. */
    private record Cell(int requests, double seconds, double p50, double p95, double meanBatch) {
    }

    private Cell load(UnidiffServer server, int clients, double seconds, int steps) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        List<Future<List<double[]>>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            futures.add(pool.submit(() -> {
                List<double[]> samples = new ArrayList<>();
                for (int k = 0; System.nanoTime() < end && k < 100_000; k++) {
                    long t0 = System.nanoTime();
                    JsonNode job = post(server, "{\"task\":\"text-to-image\",\"prompt\":\"a large red circle "
                            + (client % 7) + "\",\"seed\":" + (client * 100_000 + k) + ",\"steps\":" + steps + "}");
                    samples.add(new double[] {(System.nanoTime() - t0) / 1e9, job.path("batchSize").asDouble()});
                }
                return samples;
            }));
        }
        pool.shutdown();
        if (!pool.awaitTermination((long) seconds + 120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("clients did not finish");
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        List<Double> latencies = new ArrayList<>();
        double batchSum = 0;
        for (Future<List<double[]>> f : futures) {
            for (double[] s : f.get()) {
                latencies.add(s[0]);
                batchSum += s[1];
            }
        }
        Collections.sort(latencies);
        int n = latencies.size();
        return new Cell(n, elapsed, latencies.get(n / 2), latencies.get(Math.min(n - 1, (int) (n * 0.95))),
                batchSum / n);
    }

    private String memory(Unidiff unidiff, Path bundle) throws Exception {
        StringBuilder sb = new StringBuilder();
        sb.append("## Resident memory over ").append(MEMORY_REQUESTS).append(" requests\n\n")
                .append("16 clients, batching on, 2 steps, mixed text-to-image / captioning / text-only requests; ")
                .append("VmRSS of the process (server and clients) from /proc/self/status after each block.\n\n")
                .append("| requests done | VmRSS (MiB) | heap used after GC (MiB) |\n|---:|---:|---:|\n");
        ServerConfig config = ServerConfig.defaults().withAddress(ServerConfig.LOOPBACK, 0).withQueueCapacity(256);
        String circle = Pngs.encode(new java.awt.image.BufferedImage(64, 64, java.awt.image.BufferedImage.TYPE_INT_RGB));
        try (UnidiffServer server = UnidiffServer.start(unidiff, bundle, config, org.unidiff.api.tasks.TaskRegistry.builtIn())) {
            int done = 0;
            sb.append(row(done));
            int block = MEMORY_REQUESTS / 5;
            while (done < MEMORY_REQUESTS) {
                int base = done;
                ExecutorService pool = Executors.newFixedThreadPool(16);
                List<Future<?>> futures = new ArrayList<>();
                for (int i = 0; i < block; i++) {
                    int k = base + i;
                    futures.add(pool.submit(() -> {
                        String body = switch (k % 3) {
                            case 0 -> "{\"task\":\"text-to-image\",\"prompt\":\"a red circle\",\"seed\":" + k + ",\"steps\":2}";
                            case 1 -> "{\"task\":\"image-to-text\",\"image\":\"" + circle + "\",\"seed\":" + k + ",\"steps\":2}";
                            default -> "{\"task\":\"text-only\",\"seed\":" + k + ",\"steps\":2}";
                        };
                        return post(server, body);
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
                pool.shutdown();
                done += block;
                sb.append(row(done));
                System.err.println("memory: " + done + " requests");
            }
        }
        return sb.toString();
    }

    private static String row(int done) throws IOException {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        double heap = (rt.totalMemory() - rt.freeMemory()) / 1048576.0;
        return "| " + done + " | " + fmt(rssKib() / 1024.0, 0) + " | " + fmt(heap, 0) + " |\n";
    }

    /** The process's resident set size in KiB, from /proc/self/status. */
    static long rssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS line in /proc/self/status");
    }

    private JsonNode post(UnidiffServer server, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/run"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(300))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
        }
        return MAPPER.readTree(r.body());
    }

    private static String fmt(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
