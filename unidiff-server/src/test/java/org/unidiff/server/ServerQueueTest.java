package org.unidiff.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.unidiff.api.Recipes;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.TextToImageRequest;
import org.unidiff.api.Unidiff;
import org.unidiff.api.core.UnidiffOptions;
import org.unidiff.server.TestServers.Client;
import org.unidiff.server.TestServers.Reply;

/** The queue: batching, its bound, retention of results, graceful shutdown, the token. */
class ServerQueueTest {

    private static ObjectNode textToImage(String prompt, long seed, int steps) {
        ObjectNode n = TestServers.MAPPER.createObjectNode();
        n.put("task", "text-to-image");
        n.put("prompt", prompt);
        n.put("seed", seed);
        n.put("steps", steps);
        return n;
    }

    @Test
    void queuedCompatibleRequestsRunAsOneBatchWithTheResultsOfEachAlone() throws Exception {
        // A long gathering wait makes the batch certain on a loaded machine; the default is 20 ms.
        ServerConfig config = TestServers.config().withBatching(8, Duration.ofMillis(1500));
        List<String> prompts = List.of("a large red circle in the center", "a small blue square at the top left",
                "a green triangle on a white background", "a yellow diamond at the bottom right",
                "a purple circle on a gray background", "a small orange square");
        try (UnidiffServer server = TestServers.start(config)) {
            Client client = new Client(server);
            List<CompletableFuture<Reply>> replies = new ArrayList<>();
            for (int i = 0; i < prompts.size(); i++) {
                ObjectNode body = textToImage(prompts.get(i), 100 + i, 4);
                replies.add(CompletableFuture.supplyAsync(() -> client.post("/api/run", body)));
            }
            ObjectNode other = textToImage("a red circle", 7, 5);   // other steps: never in that batch
            Reply odd = client.post("/api/run", other);
            assertEquals(200, odd.status());
            assertEquals(1, odd.json().path("batchSize").asInt(), "a request with other steps joined a batch");
            int batched = 0;
            for (int i = 0; i < prompts.size(); i++) {
                Reply r = replies.get(i).get();
                assertEquals(200, r.status(), r.raw().body());
                batched = Math.max(batched, r.json().path("batchSize").asInt());
                var alone = TestServers.model().runAll(Recipes.TEXT_TO_IMAGE, List.of(new TextToImageRequest(
                        prompts.get(i), SamplingOptions.defaults().withSeed(100 + i).withSteps(4)))).get(0);
                // ONNX Runtime's CPU kernels may round a float differently when a matrix has more
                // rows, so on the default model a batched pixel may differ from the lone one by one
                // level in rare channels (the engine's own bit-exact test runs on the tiny bundle).
                BufferedImage served = Pngs.decode("image", r.json().path("result").path("images").get(0).asText(),
                        1 << 20);
                int[] diff = difference(alone.image(), served);
                assertTrue(diff[0] <= 1, "request " + i + ": batched pixel differs by " + diff[0] + " levels");
                assertTrue(diff[1] <= 64 * 64 * 3 / 200, "request " + i + ": " + diff[1] + " channels differ");
                assertEquals(100 + i, r.json().path("result").path("parameters").path("seed").asLong());
            }
            assertTrue(batched >= 3, "requests were not batched: largest batch " + batched);
            assertTrue(server.metrics().render(0, 0).contains("unidiff_batch_size_bucket{le=\"1\"}"));
        }
    }

    @Test
    void withBatchingOffEveryResultIsBitForBitTheLibrarysAlone() throws Exception {
        ServerConfig config = TestServers.config().withBatching(1, Duration.ZERO);
        try (UnidiffServer server = TestServers.start(config)) {
            Client client = new Client(server);
            List<CompletableFuture<Reply>> replies = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ObjectNode body = textToImage("a small blue square at the top left", 40 + i, 4);
                replies.add(CompletableFuture.supplyAsync(() -> client.post("/api/run", body)));
            }
            for (int i = 0; i < 3; i++) {
                Reply r = replies.get(i).get();
                assertEquals(1, r.json().path("batchSize").asInt());
                var alone = TestServers.model().textToImage(new TextToImageRequest("a small blue square at the top left",
                        SamplingOptions.defaults().withSeed(40 + i).withSteps(4)));
                assertEquals(Pngs.encode(alone.image()), r.json().path("result").path("images").get(0).asText());
            }
        }
    }

    /** The largest difference of one colour channel, and how many channels differ. */
    static int[] difference(BufferedImage a, BufferedImage b) {
        assertEquals(a.getWidth(), b.getWidth());
        assertEquals(a.getHeight(), b.getHeight());
        int max = 0;
        int count = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift < 24; shift += 8) {
                    int d = Math.abs(((p >> shift) & 255) - ((q >> shift) & 255));
                    max = Math.max(max, d);
                    count += d > 0 ? 1 : 0;
                }
            }
        }
        return new int[] {max, count};
    }

    @Test
    void aFullQueueAnswers429WithRetryAfter() throws Exception {
        ServerConfig config = TestServers.config().withQueueCapacity(2).withBatching(1, Duration.ZERO);
        try (UnidiffServer server = TestServers.start(config)) {
            Client client = new Client(server);
            String running = client.post("/api/jobs", textToImage("a red circle", 1, 1000)).json().path("id").asText();
            client.awaitRunning(running, 120);
            assertEquals(202, client.post("/api/jobs", textToImage("a", 2, 1000)).status());
            assertEquals(202, client.post("/api/jobs", textToImage("b", 3, 1000)).status());
            Reply full = client.post("/api/jobs", textToImage("c", 4, 2));
            assertEquals(429, full.status());
            assertEquals("urn:unidiff:problem:queue-full", full.json().path("type").asText());
            int retry = Integer.parseInt(full.header("Retry-After"));
            assertTrue(retry >= 1 && retry <= 60, "Retry-After " + retry);
            Reply sync = client.post("/api/run", textToImage("d", 5, 2));
            assertEquals(429, sync.status());
            assertEquals(2, server.metrics().rejected());
            assertTrue(client.get("/metrics").raw().body().contains("unidiff_queue_length 2"));
        }
    }

    @Test
    void streamsHeldOpenNeverLockOutSynchronousCallsAndEveryRefusalIsCounted() throws Exception {
        ServerConfig config = TestServers.config().withMaxStreams(1).withBatching(1, Duration.ZERO);
        try (UnidiffServer server = TestServers.start(config)) {
            Client client = new Client(server);
            String id = client.post("/api/jobs", textToImage("a red circle", 1, 1000)).json().path("id").asText();
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            // ofInputStream answers at the headers: the stream is open (and its slot held) from then on.
            var held = http.send(client.request("/api/jobs/" + id + "/events").GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, held.statusCode());
            Reply second = client.get("/api/jobs/" + id + "/events");
            assertEquals(429, second.status());
            assertEquals("urn:unidiff:problem:too-many-streams", second.json().path("type").asText());
            assertEquals(1, server.metrics().refusedCount("streams"));
            var sync = http.send(client.request("/api/run?keepAlive=true").header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(textToImage("a", 2, 2).toString())).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, sync.statusCode(), "a synchronous call was locked out by an open stream");
            assertTrue(client.get("/metrics").raw().body().contains(
                    "unidiff_requests_refused_total{kind=\"streams\"} 1"));
            held.body().close();
            sync.body().close();
        }
    }

    @Test
    void finishedResultsAreKeptForABoundedCount() throws Exception {
        ServerConfig config = TestServers.config().withRetention(Duration.ofMinutes(5), 2);
        try (UnidiffServer server = TestServers.start(config)) {
            Client client = new Client(server);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String id = client.post("/api/run", textToImage("a red circle", i, 2)).json().path("id").asText();
                ids.add(id);
            }
            // A job is filed among the finished ones before its client sees the result, so the
            // third answer means the first is already beyond the bound of two.
            assertEquals(404, client.get("/api/jobs/" + ids.get(0)).status(), "the oldest result was kept");
            assertEquals(200, client.get("/api/jobs/" + ids.get(1)).status());
            assertEquals(200, client.get("/api/jobs/" + ids.get(2)).status());
        }
    }

    @Test
    void finishedResultsExpire() throws Exception {
        ServerConfig config = TestServers.config().withRetention(Duration.ofMinutes(10), 100);
        ManualClock clock = new ManualClock();
        try (UnidiffServer server = UnidiffServer.start(TestServers.model(), TestServers.bundleDir(), config,
                org.unidiff.api.tasks.TaskRegistry.builtIn(), clock)) {
            Client client = new Client(server);
            String id = client.post("/api/run", textToImage("a red circle", 1, 2)).json().path("id").asText();
            clock.advance(Duration.ofMinutes(10));
            assertEquals(200, client.get("/api/jobs/" + id).status(), "expired at exactly its time to live");
            clock.advance(Duration.ofMillis(1));
            assertEquals(404, client.get("/api/jobs/" + id).status());
        }
    }

    @Test
    void gracefulShutdownFinishesRunningJobsThenRefusesNewOnes() throws Exception {
        ServerConfig config = TestServers.config().withTimings(Duration.ofMillis(200), Duration.ofMillis(100),
                Duration.ofSeconds(20));
        UnidiffServer server = TestServers.start(config);
        Client client = new Client(server);
        String id = client.post("/api/jobs", textToImage("a red circle", 1, 60)).json().path("id").asText();
        client.awaitRunning(id, 120);
        assertEquals(0, server.shutdown(), "a job was cancelled although the deadline was far");
        assertEquals(1, server.metrics().done());
        assertThrows(Exception.class, () -> client.get("/api/health"), "still listening after shutdown");
        assertNotEquals("", id);
    }

    @Test
    void shutdownCancelsWhatIsLeftAtTheDeadline() throws Exception {
        ServerConfig config = TestServers.config().withBatching(1, Duration.ZERO).withTimings(Duration.ofMillis(200),
                Duration.ofMillis(100), Duration.ofMillis(300));
        UnidiffServer server = TestServers.start(config);
        Client client = new Client(server);
        client.post("/api/jobs", textToImage("a red circle", 1, 1000));
        client.post("/api/jobs", textToImage("a red circle", 2, 1000));
        long start = System.nanoTime();
        int cancelled = server.shutdown();
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(2, cancelled);
        assertEquals(2, server.metrics().cancelled());
        // A bound against hanging, far above the 300 ms deadline plus one model evaluation.
        assertTrue(seconds < 60, "shutdown took " + seconds + " s");
    }

    @Test
    void anExposedServerNeedsItsToken() throws java.io.IOException {
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.defaults().withAddress("0.0.0.0", 0),
                "binding all interfaces without a token");
        ServerConfig exposed = ServerConfig.defaults().withToken("t0ken").withAddress("0.0.0.0", 0);
        assertTrue(exposed.tokenRequired());
        ServerConfig either = ServerConfig.defaults().withAddress("127.0.0.1", 0).withToken("t0ken")
                .withAddress("::", 0);
        assertTrue(either.tokenRequired());
        // The same check on loopback, so the test opens nothing to the network.
        try (UnidiffServer server = TestServers.start(TestServers.config().withToken("s3cret"))) {
            Client anonymous = new Client(server);
            for (String path : List.of("/api/model", "/api/jobs/x", "/metrics", "/metrics/", "/api/model/",
                    "/api/health", "/no-such-file.js")) {
                Reply r = anonymous.get(path);
                assertEquals(401, r.status(), path);
                assertEquals("Bearer", r.header("WWW-Authenticate"));
                assertEquals("urn:unidiff:problem:unauthorized", r.json().path("type").asText());
            }
            assertEquals(401, anonymous.post("/api/run", textToImage("a", 1, 2)).status());
            assertEquals(401, new Client(server, "wrong").get("/api/model").status());
            assertEquals(200, anonymous.get("/").status(), "the page itself needs no token");
            try (java.util.stream.Stream<java.nio.file.Path> web = java.nio.file.Files.list(
                    java.nio.file.Path.of("src", "main", "resources", "web"))) {
                for (java.nio.file.Path file : web.toList()) {
                    assertEquals(200, anonymous.get("/" + file.getFileName()).status(), "page file " + file);
                }
            }
            Client lowerCase = new Client(server, null) {
                @Override
                java.net.http.HttpRequest.Builder request(String path) {
                    return super.request(path).header("Authorization", "bearer s3cret");
                }
            };
            assertEquals(200, lowerCase.get("/api/model").status(), "the scheme name is case-insensitive");
            Client upper = new Client(server, null) {
                @Override
                java.net.http.HttpRequest.Builder request(String path) {
                    return super.request(path).header("Authorization", "BEARER S3CRET");
                }
            };
            assertEquals(401, upper.get("/api/model").status(), "the token itself is case-sensitive");
            Client allowed = new Client(server, "s3cret");
            assertEquals(200, allowed.get("/api/model").status());
            JsonNode done = allowed.post("/api/run", textToImage("a red circle", 1, 2)).json();
            assertEquals("done", done.path("status").asText());
            assertTrue(allowed.get("/api/model").json().path("tokenRequired").asBoolean());
        }
    }

    @Test
    void serveRefusesToExposeWithoutAToken() {
        java.io.StringWriter err = new java.io.StringWriter();
        ServerMain main = new ServerMain(new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err, true));
        int code = new picocli.CommandLine(main).execute("--host", "0.0.0.0", "--port", "0");
        assertEquals(2, code);
        assertTrue(err.toString().contains("needs an API token"), err.toString());
    }

    @Test
    void serveWithAHostAndATokenExposesTheServiceBehindTheToken() {
        ServerMain main = new ServerMain(new java.io.PrintWriter(new java.io.StringWriter()),
                new java.io.PrintWriter(new java.io.StringWriter()));
        new picocli.CommandLine(main).parseArgs("--host", "0.0.0.0", "--port", "0", "--token", "T");
        ServerConfig config = main.config();
        assertEquals("0.0.0.0", config.host());
        assertTrue(config.tokenRequired());
        // Bound to every interface as asked; the test's own traffic goes to 127.0.0.1 only.
        try (UnidiffServer server = TestServers.start(config)) {
            Client anonymous = new Client(server);
            assertEquals(401, anonymous.get("/api/model").status());
            assertEquals(401, anonymous.post("/api/run", textToImage("a red circle", 1, 2)).status());
            Client allowed = new Client(server, "T");
            assertEquals(200, allowed.get("/api/model").status());
            assertEquals(200, allowed.post("/api/run", textToImage("a red circle", 1, 2)).status());
        }
    }

    @Test
    void theModelDocumentNamesTheLoadedVariant() throws Exception {
        try (Unidiff int8 = Unidiff.open(UnidiffOptions.defaults().withVariant("int8"));
             UnidiffServer server = UnidiffServer.start(int8, TestServers.bundleDir(), TestServers.config(),
                     org.unidiff.api.tasks.TaskRegistry.builtIn())) {
            assertEquals("int8", new Client(server).get("/api/model").json().path("variant").asText());
        }
    }

    @Test
    void serveNamesTheDeclaredVariantsWhenAskedForAnother() {
        java.io.StringWriter err = new java.io.StringWriter();
        ServerMain main = new ServerMain(new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err, true));
        int code = new picocli.CommandLine(main).execute("--port", "0", "--variant", "fp16");
        assertEquals(1, code);
        assertTrue(err.toString().contains("cannot open the model") && err.toString().contains("[int8]"), err.toString());
    }
}
