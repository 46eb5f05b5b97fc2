package org.unidiff.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.unidiff.server.TestServers.Reply;

/**
 * {@code ServerMain} as its own process, stopped by SIGTERM (sent through its {@link ProcessHandle}): the running job finishes, the one that cannot finish by the deadline is cancelled, and
 * the process exits 0.
 */
class ServerProcessTest {

    private static final Pattern LISTENING = Pattern.compile("on http://127\\.0\\.0\\.1:(\\d+)/");

    @Test
    void sigtermFinishesWhatItCanCancelsTheRestAndExitsZero() throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Djava.awt.headless=true", "-cp", classpath,
                ServerMain.class.getName(), "--port", "0", "--shutdown-seconds", "4", "--batch-size", "1")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        // Lines arrive as events on a queue; SIGTERM goes through the process handle, which (unlike
        // Process.destroy) leaves the pipe open, so the shutdown report is read from it too.
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ended) {
                // The process is gone.
            }
        }, "server-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            String first = lines.poll(120, TimeUnit.SECONDS);
            assertTrue(first != null, "the server printed nothing within 120 s");
            Matcher m = LISTENING.matcher(first);
            assertTrue(m.find(), first);
            int port = Integer.parseInt(m.group(1));
            TestServers.Client client = new TestServers.Client(port, null);
            String shortJob = submit(client, 60, 1);
            String longJob = submit(client, 1000, 4);   // far longer than the 4 s deadline
            client.awaitRunning(shortJob, 120);
            assertTrue(p.toHandle().destroy(), "SIGTERM could not be sent");
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the server did not stop within 60 s of SIGTERM");
            assertEquals(0, p.exitValue());
            reader.join(TimeUnit.SECONDS.toMillis(30));
            String all = first + "\n" + String.join("\n", lines);
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
