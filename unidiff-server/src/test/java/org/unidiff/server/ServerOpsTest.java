package org.unidiff.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.unidiff.server.TestServers.Client;
import org.unidiff.server.TestServers.Reply;

/** What operators of model servers expect: request ids and an access log, probes, the list of jobs. */
class ServerOpsTest {

    private static ObjectNode textOnly(long seed) {
        return TestServers.MAPPER.createObjectNode().put("task", "text-only").put("seed", seed).put("steps", 2);
    }

    @Test
    void requestIdsAreEchoedOrMadeAndEveryRequestIsLogged() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (UnidiffServer server = TestServers.start(TestServers.config())) {
            Client client = new Client(server);
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            Reply mine = client.send(client.request("/api/model").header("X-Request-Id", "trace-42.a").GET());
            assertEquals("trace-42.a", mine.header("X-Request-Id"));
            Reply forged = client.send(client.request("/api/model").header("X-Request-Id", "x id=evil").GET());
            assertNotEquals("x id=evil", forged.header("X-Request-Id"), "an unusable id is replaced");
            String made = client.get("/api/model").header("X-Request-Id");
            assertTrue(made != null && made.length() >= 32, "an id is made when none is sent: " + made);
            assertEquals(404, client.get("/no/such/path").status());
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("GET /api/model 200") && log.contains("id=trace-42.a"), log);
        assertTrue(log.contains("GET /no/such/path 404"), log);
    }

    @Test
    void probesAnswerWithoutTheTokenEverythingElseNeedsIt() {
        try (UnidiffServer server = TestServers.start(TestServers.config().withToken("t"))) {
            Client anonymous = new Client(server);
            assertEquals(200, anonymous.get("/api/health/live").status());
            Reply ready = anonymous.get("/api/health/ready");
            assertEquals(200, ready.status());
            assertEquals("ok", ready.json().path("status").asText());
            assertEquals(401, anonymous.get("/api/health").status());
            assertEquals(401, anonymous.get("/api/jobs").status());
        }
    }

    @Test
    void theJobListShowsKnownJobsNewestFirstAndFilters() {
        try (UnidiffServer server = TestServers.start(TestServers.config())) {
            Client client = new Client(server);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ids.add(client.post("/api/run", textOnly(i)).json().path("id").asText());
            }
            JsonNode all = client.get("/api/jobs").json().path("jobs");
            assertEquals(3, all.size());
            assertEquals(ids.get(2), all.get(0).path("id").asText(), "newest first");
            assertTrue(all.get(0).path("result").isMissingNode(), "the list carries no results");
            assertEquals(2, client.get("/api/jobs?limit=2").json().path("jobs").size());
            assertEquals(3, client.get("/api/jobs?status=done").json().path("jobs").size());
            assertEquals(0, client.get("/api/jobs?status=queued").json().path("jobs").size());
            Reply bad = client.get("/api/jobs?status=finished");
            assertEquals(400, bad.status());
            assertEquals("status", bad.json().path("field").asText());
            assertEquals(400, client.get("/api/jobs?limit=0").status());
        }
    }

    @Test
    void corsIsOffByDefaultAndFollowsTheAllowList() {
        try (UnidiffServer plain = TestServers.start(TestServers.config())) {
            Client c = new Client(plain);
            Reply r = c.send(c.request("/api/model").header("Origin", "https://app.example").GET());
            assertEquals(200, r.status());
            assertEquals(null, r.header("Access-Control-Allow-Origin"), "CORS is off by default");
        }
        ServerConfig config = TestServers.config().withToken("t").withCorsOrigins(List.of("https://app.example"));
        try (UnidiffServer server = TestServers.start(config)) {
            Client c = new Client(server, "t");
            Reply allowed = c.send(c.request("/api/model").header("Origin", "https://app.example").GET());
            assertEquals("https://app.example", allowed.header("Access-Control-Allow-Origin"));
            Reply other = c.send(c.request("/api/model").header("Origin", "https://evil.example").GET());
            assertEquals(null, other.header("Access-Control-Allow-Origin"));
            Client anonymous = new Client(server);
            Reply preflight = anonymous.send(anonymous.request("/api/jobs").header("Origin", "https://app.example")
                    .header("Access-Control-Request-Method", "POST")
                    .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()));
            assertEquals(204, preflight.status(), "a preflight carries no token and is answered");
            assertTrue(preflight.header("Access-Control-Allow-Methods").contains("POST"));
            assertTrue(preflight.header("Access-Control-Allow-Headers").contains("Authorization"));
            Reply foreign = anonymous.send(anonymous.request("/api/jobs").header("Origin", "https://evil.example")
                    .header("Access-Control-Request-Method", "POST")
                    .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()));
            assertEquals(null, foreign.header("Access-Control-Allow-Origin"));
            assertTrue(foreign.status() == 401 || foreign.status() == 405, "status " + foreign.status());
        }
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TestServers.config().withCorsOrigins(List.of("https://app.example/path")));
    }

    @Test
    void unknownPromptWordsAreNamedInTheResult() {
        try (UnidiffServer server = TestServers.start(TestServers.config())) {
            ObjectNode b = TestServers.MAPPER.createObjectNode().put("task", "text-to-image")
                    .put("prompt", "a red cat on the moon").put("steps", 2);
            Reply r = new Client(server).post("/api/run", b);
            assertEquals(200, r.status());
            List<String> words = new ArrayList<>();
            r.json().path("result").path("parameters").path("unknownWords").forEach(w -> words.add(w.asText()));
            assertEquals(List.of("cat", "moon"), words.stream().sorted().toList());
        }
    }
}
