package org.unidiff.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.unidiff.api.ImageToTextRequest;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.TextToImageRequest;
import org.unidiff.server.TestServers.Client;
import org.unidiff.server.TestServers.Reply;

/** Every endpoint of the API, and every task, on the bundled default model with few steps. */
class ServerApiTest {

    private static UnidiffServer server;
    private static Client client;

    @BeforeAll
    static void start() {
        server = TestServers.start(TestServers.config());
        client = new Client(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static ObjectNode body(String task) {
        ObjectNode n = TestServers.MAPPER.createObjectNode();
        n.put("task", task);
        n.put("steps", 3);
        return n;
    }

    private static BufferedImage png(JsonNode b64) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(b64.asText())));
        assertNotNull(image, "not a PNG: " + b64.asText().substring(0, 20));
        return image;
    }

    @Test
    void modelDescribesTheBundleTasksDefaultsAndLimits() throws IOException {
        Reply r = client.get("/api/model");
        assertEquals(200, r.status());
        JsonNode m = r.json();
        assertEquals("unidiff-shapes-default", m.path("name").asText());
        assertTrue(m.has("variant") && m.path("variant").isNull(), "the main files: variant null, got " + m.path("variant"));
        assertEquals(64, m.path("image").path("width").asInt());
        Set<String> tasks = new TreeSet<>();
        m.path("tasks").forEach(t -> tasks.add(t.asText()));
        assertEquals(new TreeSet<>(List.of("text-to-image", "image-to-text", "joint", "image-only", "text-only",
                "image-variation", "text-variation", "group", "inversion", "interpolation")), tasks);
        // Each task's fields, as recorded from its reader (what the page builds its forms from).
        JsonNode t2i = m.path("taskFields").path("text-to-image");
        assertEquals("prompt", t2i.get(0).path("name").asText());
        assertEquals("text", t2i.get(0).path("kind").asText());
        assertTrue(t2i.get(0).path("required").asBoolean());
        JsonNode slots = m.path("taskFields").path("group").get(0);
        assertEquals("slots", slots.path("name").asText());
        assertEquals("list", slots.path("kind").asText());
        assertEquals("[\"caption\",\"image\"]", new ObjectMapper().writeValueAsString(
                java.util.stream.StreamSupport.stream(slots.path("entries").spliterator(), false)
                        .map(e -> e.path("name").asText()).toList()));
        assertEquals(m.path("groupMaxSize").asInt(), slots.path("max").asInt(), "the group limit bounds the slots");
        // The manifest's own default (the bundle file, not a copy of its number here).
        JsonNode manifest = new ObjectMapper().readTree(
                Files.readString(Path.of("..", "models", "default", "bundle", "unidiff.json")));
        assertEquals(manifest.path("defaults").path("steps").asInt(), m.path("defaults").path("steps").asInt());
        assertTrue(m.path("defaults").path("steps").asInt() > 0);
        assertEquals(4, m.path("groupMaxSize").asInt(), "the bundle's group limit (4) is tighter than the server's");
        assertTrue(m.path("vocabulary").path("words").toString().contains("circle"), m.path("vocabulary").toString());
        assertEquals(m.path("vocabulary").path("words").size(), m.path("vocabulary").path("wordCount").asInt());
        assertEquals(m.path("vocabulary").path("size").asInt(), m.path("vocabulary").path("wordCount").asInt()
                + m.path("vocabulary").path("specialTokens").asInt(), "size counts words and special tokens");
        assertFalse(m.path("tokenRequired").asBoolean());
        assertEquals(200, client.get("/api/health").status());
    }

    @Test
    void textToImageJobRunsAndItsResultEqualsTheLibraryCall() throws Exception {
        ObjectNode b = body("text-to-image");
        b.put("prompt", "a small blue square at the top left on a white background");
        b.put("seed", 11);
        b.put("outputs", 2);
        Reply submitted = client.post("/api/jobs", b);
        assertEquals(202, submitted.status(), submitted.raw().body());
        String id = submitted.json().path("id").asText();
        assertEquals("/api/jobs/" + id, submitted.header("Location"));
        JsonNode job = client.awaitJob(id, 60);
        assertEquals("done", job.path("status").asText(), job.toString());
        assertEquals(1.0, job.path("progress").path("fraction").asDouble());
        assertTrue(job.path("result").path("parameters").has("dataType"), "the data type is always stated");
        assertEquals(0, job.path("result").path("parameters").path("unknownWords").size());
        assertEquals(job.path("progress").path("totalEvaluations").asInt(),
                job.path("progress").path("evaluation").asInt(), "a finished job has done every evaluation");
        JsonNode result = job.path("result");
        JsonNode p = result.path("parameters");
        assertEquals("text-to-image", p.path("task").asText());
        assertEquals(11, p.path("seed").asLong());
        assertEquals(3, p.path("steps").asInt());
        assertEquals("dpm-solver", p.path("sampler").asText());
        assertEquals(3.0, p.path("guidanceScale").asDouble());
        assertEquals(2, result.path("images").size());
        assertEquals(64, png(result.path("images").get(0)).getWidth());
        var direct = TestServers.model().textToImage(new TextToImageRequest(
                "a small blue square at the top left on a white background",
                SamplingOptions.defaults().withSeed(11).withSteps(3).withOutputs(2)));
        for (int i = 0; i < 2; i++) {
            assertEquals(Pngs.encode(direct.images().get(i)), result.path("images").get(i).asText(), "output " + i);
        }
    }

    @Test
    void everyTaskRunsSynchronously() throws Exception {
        String circle = TestServers.redCirclePng();
        ObjectNode t2i = body("text-to-image");
        t2i.put("prompt", "a large red circle in the center on a black background");
        JsonNode r = runOk(t2i);
        assertEquals(1, r.path("images").size());

        ObjectNode caption = body("image-to-text");
        caption.put("image", circle);
        r = runOk(caption);
        String text = r.path("texts").get(0).asText();
        assertFalse(text.isBlank());
        String direct = TestServers.model().imageToText(new ImageToTextRequest(
                Pngs.decode("image", circle, 1 << 20), SamplingOptions.defaults().withSteps(3))).text();
        assertEquals(direct, text);

        ObjectNode joint = body("joint");
        joint.put("route", "via-text");
        r = runOk(joint);
        assertEquals(1, r.path("images").size());
        assertEquals(1, r.path("texts").size());
        assertEquals("via-text", r.path("parameters").path("route").asText());

        r = runOk(body("image-only"));
        assertEquals(64, png(r.path("images").get(0)).getHeight());
        r = runOk(body("text-only"));
        assertFalse(r.path("texts").get(0).asText().isBlank());

        ObjectNode vary = body("image-variation");
        vary.put("image", "data:image/png;base64," + circle);
        r = runOk(vary);
        assertEquals(64, png(r.path("images").get(0)).getWidth());

        ObjectNode varyText = body("text-variation");
        varyText.put("prompt", "a small green triangle");
        r = runOk(varyText);
        assertFalse(r.path("texts").get(0).asText().isBlank());

        ObjectNode group = body("group");
        group.putArray("slots").add(TestServers.MAPPER.createObjectNode().put("caption", "a red circle")
                .put("image", circle)).add(TestServers.MAPPER.createObjectNode().put("caption", "a red square"));
        group.put("referenceMode", "clean");
        r = runOk(group);
        assertEquals(1, r.path("groups").size());
        assertEquals(2, r.path("groups").get(0).size());
        assertEquals(List.of("a red circle", "a red square"),
                TestServers.MAPPER.convertValue(r.path("parameters").path("prompts"), List.class));
    }

    @Test
    void interpolationOverHttpGivesTheLibrarysFramesAndCaptions() throws IOException {
        BufferedImage first = png(TestServers.MAPPER.getNodeFactory().textNode(TestServers.redCirclePng()));
        BufferedImage last = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        last.getGraphics().fillRect(8, 8, 20, 20);     // a white square on black
        ObjectNode b = body("interpolation");
        b.put("first", TestServers.redCirclePng()).put("last", Pngs.encode(last)).put("frames", 3).put("seed", 4);
        JsonNode r = runOk(b);
        assertEquals(3, r.path("images").size());
        assertEquals(2, r.path("texts").size());

        org.unidiff.api.InterpolationResult local = TestServers.model().interpolate(
                org.unidiff.api.InterpolationRequest.of(first, last, 3, SamplingOptions.defaults().withSteps(3)
                        .withSeed(4)));
        for (int i = 0; i < 3; i++) {
            BufferedImage served = png(r.path("images").get(i));
            for (int y = 0; y < served.getHeight(); y++) {
                for (int x = 0; x < served.getWidth(); x++) {
                    assertEquals(local.frames().get(i).getRGB(x, y), served.getRGB(x, y), "frame " + i);
                }
            }
        }
        assertEquals(local.captions(), TestServers.MAPPER.convertValue(r.path("texts"), List.class));
    }

    private static JsonNode runOk(ObjectNode b) {
        Reply r = client.post("/api/run", b);
        assertEquals(200, r.status(), r.raw().body());
        assertEquals("done", r.json().path("status").asText());
        return r.json().path("result");
    }

    @Test
    void eventsStreamProgressPerEvaluationThenTheResult() throws Exception {
        ObjectNode b = body("text-to-image");
        b.put("prompt", "a large red circle");
        b.put("steps", 30);
        String id = client.post("/api/jobs", b).json().path("id").asText();
        HttpResponse<InputStream> r = java.net.http.HttpClient.newHttpClient().send(
                client.request("/api/jobs/" + id + "/events").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<String> events = new ArrayList<>();
        List<Double> fractions = new ArrayList<>();
        JsonNode last = null;
        try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(r.body()))) {
            String event = null;
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    last = TestServers.MAPPER.readTree(line.substring(6));
                    events.add(event);
                    fractions.add(last.path("progress").path("fraction").asDouble());
                }
            }
        }
        assertEquals("done", events.get(events.size() - 1), events.toString());
        assertTrue(events.stream().filter("progress"::equals).count() >= 3, "few progress events: " + events);
        for (int i = 1; i < fractions.size(); i++) {
            assertTrue(fractions.get(i) >= fractions.get(i - 1), "progress went back: " + fractions);
        }
        assertEquals(1, last.path("result").path("images").size());
    }

    @Test
    void deleteCancelsARunningJobWithinAnEvaluation() throws Exception {
        ObjectNode b = body("text-to-image");
        b.put("prompt", "a large red circle");
        b.put("steps", 1000);
        String id = client.post("/api/jobs", b).json().path("id").asText();
        client.awaitEvent(id, j -> j.path("progress").path("evaluation").asInt() >= 2, 120);
        long cancelledBefore = server.metrics().cancelled();
        Reply d = client.delete("/api/jobs/" + id);
        assertEquals(200, d.status());
        assertEquals("cancelled", d.json().path("status").asText());
        assertEquals("urn:unidiff:problem:cancelled", d.json().path("error").path("type").asText());
        // The engine stops within one evaluation; the bound only keeps a broken build from hanging.
        assertTrue(server.scheduler().awaitIdle(Duration.ofSeconds(60)), "the engine did not stop after DELETE");
        assertEquals(0, runningJobs());
        assertEquals(cancelledBefore + 1, server.metrics().cancelled());
        assertEquals(404, client.delete("/api/jobs/no-such-id").status());
    }

    private static int runningJobs() {
        String metrics = client.get("/metrics").raw().body();
        return metrics.lines().filter(l -> l.startsWith("unidiff_jobs_running ")).mapToInt(
                l -> Integer.parseInt(l.substring(l.indexOf(' ') + 1))).findFirst().orElseThrow();
    }

    @Test
    void metricsAreInPrometheusTextFormat() throws InterruptedException {
        // Other tests' cancelled jobs may still be stopping: the counters are read when nothing runs.
        assertTrue(server.scheduler().awaitIdle(Duration.ofSeconds(60)));
        ObjectNode b = body("text-only");
        long before = server.metrics().done();
        runOk(b);
        assertEquals(before + 1, server.metrics().done(), "a result was seen before it was counted");
        Reply r = client.get("/metrics");
        assertEquals(200, r.status());
        assertTrue(r.contentType().startsWith("text/plain"), r.contentType());
        String text = r.raw().body();
        for (String name : List.of("unidiff_queue_length ", "unidiff_jobs_finished_total{outcome=\"done\"} ",
                "unidiff_jobs_finished_total{outcome=\"failed\"} ", "unidiff_jobs_finished_total{outcome=\"cancelled\"} ",
                "unidiff_batch_size_bucket{le=\"1\"} ", "unidiff_job_seconds_count ", "unidiff_jobs_rejected_total ")) {
            assertTrue(text.contains(name), name + " missing in\n" + text);
        }
        long done = text.lines().filter(l -> l.startsWith("unidiff_jobs_finished_total{outcome=\"done\"}"))
                .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElseThrow();
        assertTrue(done >= 1);
        assertEquals(done, server.metrics().done());
    }

    @Test
    void thePageAndItsFilesAreServedWithoutAToken() {
        Reply page = client.get("/");
        assertEquals(200, page.status());
        assertTrue(page.raw().body().contains("<progress id=\"progress\""));
        assertTrue(page.header("Content-Security-Policy").contains("default-src 'self'"));
        assertEquals(200, client.get("/app.js").status());
        assertEquals(200, client.get("/app.css").status());
    }

    @Test
    void aSynchronousCallWhoseClientDisconnectsIsCancelled() throws Exception {
        long before = server.metrics().cancelled();
        String json = "{\"task\":\"text-to-image\",\"prompt\":\"a red circle\",\"steps\":1000}";
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(("POST /api/run?keepAlive=true HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + json.length() + "\r\n\r\n" + json).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            byte[] head = new byte[12];
            assertEquals(12, in.readNBytes(head, 0, 12), "no answer before the commit delay");
            assertEquals("HTTP/1.1 200", new String(head, java.nio.charset.StandardCharsets.US_ASCII));
        }
        // Its job was queued or running when the 200 came; 1000 steps would take minutes, so the
        // queue empties this soon only because the job was cancelled.
        assertTrue(server.scheduler().awaitIdle(Duration.ofSeconds(60)), "the engine did not stop");
        assertEquals(before + 1, server.metrics().cancelled(), "the job of the disconnected call was not cancelled");
    }

    @Test
    void aLateFailureOfASynchronousCallHasItsOwnStatus() throws Exception {
        // No keepAlive: the call answers when the job ends, so a job cancelled (or failed) after
        // minutes of running is answered with that outcome's status, never a 200.
        long before = server.scheduler().submissions();
        String json = "{\"task\":\"text-to-image\",\"prompt\":\"a red circle\",\"steps\":1000}";
        java.util.concurrent.CompletableFuture<Reply> call =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> client.post("/api/run", json));
        // Woken by the submission of the call's job (test methods run one at a time).
        Job job = server.scheduler().awaitSubmission(before, Duration.ofSeconds(120)).orElseThrow();
        job.await(s -> s.state() == Job.State.RUNNING, Duration.ofSeconds(120));
        assertEquals(200, client.delete("/api/jobs/" + job.id()).status());
        Reply r = call.get(120, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(409, r.status(), r.raw().body());
        assertEquals("urn:unidiff:problem:cancelled", r.json().path("type").asText());
        assertTrue(server.scheduler().awaitIdle(Duration.ofSeconds(60)));
    }

    @Test
    void aRequestCannotNameAFileOnTheServer() {
        ObjectNode b = body("image-to-text");
        b.put("image", "/etc/passwd");
        Reply r = client.post("/api/jobs", b);
        assertEquals(400, r.status());
        assertEquals("image", r.json().path("field").asText());
        Reply traversal = client.send(client.request("/..%2F..%2F..%2Fetc%2Fpasswd").GET());
        assertFalse(traversal.raw().body().contains("root:"), "a server file was served");
        assertTrue(traversal.status() == 404 || traversal.status() == 400, "status " + traversal.status());
    }

    @Test
    void unknownJobsAndPathsAreProblems() {
        Reply job = client.get("/api/jobs/1234");
        assertEquals(404, job.status());
        assertEquals("urn:unidiff:problem:no-such-job", job.json().path("type").asText());
        assertTrue(job.contentType().startsWith("application/problem+json"));
        Reply path = client.get("/api/nothing-here");
        assertEquals(404, path.status());
        assertTrue(path.contentType().startsWith("application/problem+json"), path.contentType());
        Reply method = client.send(client.request("/api/model").DELETE());
        assertTrue(method.status() == 404 || method.status() == 405, "status " + method.status());
        assertTrue(method.contentType().startsWith("application/problem+json"), method.contentType());
        Reply events = client.get("/api/jobs/unknown/events");
        assertEquals(404, events.status());
    }

    @Test
    void unsupportedMediaTypeIsRefused() {
        Reply r = client.send(client.request("/api/jobs").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"task\":\"text-only\"}")));
        assertEquals(415, r.status());
        assertTrue(r.json().path("detail").asText().contains("application/json"));
    }
}
