package org.unidiff.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unidiff.server.TestServers.Reply;

/**
 * {@code ServerMain} as its own process, stopped by SIGTERM ({@link Process#destroy()} sends it on
 * Linux): the running job finishes, the one that cannot finish by the deadline is cancelled, and
 * the process exits 0.
 */
class ServerProcessTest {

    private static final Pattern LISTENING = Pattern.compile("on http://127\\.0\\.0\\.1:(\\d+)/");

    @Test
    void sigtermFinishesWhatItCanCancelsTheRestAndExitsZero(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("serve.out");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Djava.awt.headless=true", "-cp", classpath,
                ServerMain.class.getName(), "--port", "0", "--shutdown-seconds", "4", "--batch-size", "1")
                .redirectError(ProcessBuilder.Redirect.DISCARD).redirectOutput(log.toFile()).start();
        try {
            // Process.destroy() closes the pipes, so the output goes to a file read at the end.
            long started = System.nanoTime() + 60_000_000_000L;
            while (Files.readAllLines(log).isEmpty()) {
                assertTrue(p.isAlive() && System.nanoTime() < started, "the server did not start");
                Thread.sleep(20);
            }
            List<String> lines = Files.readAllLines(log);
            String first = lines.get(0);
            Matcher m = LISTENING.matcher(first);
            assertTrue(m.find(), first);
            int port = Integer.parseInt(m.group(1));
            TestServers.Client client = new TestServers.Client(port, null);
            String shortJob = submit(client, 60, 1);
            String longJob = submit(client, 1000, 4);   // far longer than the 4 s deadline
            long end = System.nanoTime() + 30_000_000_000L;
            while (!client.get("/api/jobs/" + shortJob).json().path("status").asText().equals("running")) {
                assertTrue(System.nanoTime() < end, "the short job never started");
                Thread.sleep(10);
            }
            p.destroy();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the server did not stop within 30 s of SIGTERM");
            assertEquals(0, p.exitValue());
            lines = Files.readAllLines(log);
            String all = String.join("\n", lines);
            assertTrue(all.contains("stopped; 1 jobs done, 1 cancelled at shutdown"), all);
            assertTrue(longJob.length() > 0);
        } finally {
            p.destroyForcibly();
        }
    }

    private static String submit(TestServers.Client client, int steps, int outputs) {
        ObjectNode body = TestServers.MAPPER.createObjectNode();
        body.put("task", "text-to-image");
        body.put("prompt", "a large red circle");
        body.put("steps", steps);
        body.put("outputs", outputs);
        Reply r = client.post("/api/jobs", body);
        assertEquals(202, r.status(), r.raw().body());
        return r.json().path("id").asText();
    }
}
