package org.unidiff.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.unidiff.server.TestServers.Client;
import org.unidiff.server.TestServers.Reply;

/**
 * 32 clients on loopback send mixed requests to a server whose queue holds 8: every request is
 * answered 200 with its own result or 429 with Retry-After; nothing is lost, duplicated or mixed
 * up, and the counters agree. Bounded: 32 x 6 requests of 2 steps, at most 60 s.
 */
class ServerLoadTest {

    private static final int CLIENTS = 32;
    private static final int REQUESTS_PER_CLIENT = 6;

    private record Outcome(long seed, String task, int status, String jobId, long resultSeed, String resultTask,
                           String retryAfter) {
    }

    @Test
    void thirtyTwoClientsAgainstAQueueOfEightGetResultsOr429() throws Exception {
        ServerConfig config = TestServers.config().withQueueCapacity(8).withBatching(8, Duration.ofMillis(20));
        String circle = TestServers.redCirclePng();
        try (UnidiffServer server = TestServers.start(config)) {
            Client client = new Client(server);
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            List<Future<List<Outcome>>> futures = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int clientIndex = c;
                futures.add(pool.submit(() -> {
                    List<Outcome> out = new ArrayList<>();
                    for (int k = 0; k < REQUESTS_PER_CLIENT; k++) {
                        long seed = clientIndex * 1000L + k;
                        ObjectNode body = TestServers.MAPPER.createObjectNode();
                        String task = switch ((clientIndex + k) % 3) {
                            case 0 -> "text-to-image";
                            case 1 -> "image-to-text";
                            default -> "text-only";
                        };
                        body.put("task", task);
                        body.put("seed", seed);
                        body.put("steps", 2);
                        if (task.equals("text-to-image")) {
                            body.put("prompt", "a small red circle " + clientIndex);
                        } else if (task.equals("image-to-text")) {
                            body.put("image", circle);
                        }
                        Reply r = client.post("/api/run", body);
                        var p = r.json() == null ? null : r.json().path("result").path("parameters");
                        out.add(new Outcome(seed, task, r.status(),
                                r.status() == 200 ? r.json().path("id").asText() : null,
                                p == null ? -1 : p.path("seed").asLong(-1), p == null ? null : p.path("task").asText(),
                                r.header("Retry-After")));
                    }
                    return out;
                }));
            }
            pool.shutdown();
            // A bound against hanging only: under load the run takes what it takes.
            assertTrue(pool.awaitTermination(10, TimeUnit.MINUTES), "load test ran past 10 minutes");
            List<Outcome> all = new ArrayList<>();
            for (Future<List<Outcome>> f : futures) {
                all.addAll(f.get());
            }
            assertEquals(CLIENTS * REQUESTS_PER_CLIENT, all.size(), "a request got no answer");
            Set<String> ids = new HashSet<>();
            Set<Long> seeds = new HashSet<>();
            int ok = 0;
            int refused = 0;
            for (Outcome o : all) {
                if (o.status() == 200) {
                    ok++;
                    assertTrue(ids.add(o.jobId()), "job id answered twice: " + o.jobId());
                    assertTrue(seeds.add(o.seed()), "seed answered twice: " + o.seed());
                    assertEquals(o.seed(), o.resultSeed(), "a client got another request's result");
                    assertEquals(o.task(), o.resultTask());
                } else {
                    assertEquals(429, o.status(), "only 200 or 429 are expected, got " + o.status());
                    assertTrue(Integer.parseInt(o.retryAfter()) >= 1);
                    refused++;
                }
            }
            assertTrue(ok >= CLIENTS / 4, "too few successes: " + ok + " of " + all.size());
            assertEquals(ok, server.metrics().done(), "results counted by the server");
            assertEquals(refused, server.metrics().rejected(), "refusals counted by the server");
            assertEquals(0, server.metrics().failed());
            assertEquals(0, server.metrics().cancelled());
            assertEquals(0, server.queueLength());
        }
    }
}
