package org.unidiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SIGTERM and SIGHUP in the middle of a generation, sent to a real {@code unidiff} process: it
 * stops within one model evaluation, closes the model and exits with 128 + the signal number,
 * printing nothing on standard output and leaving no JVM crash file ({@code hs_err_pid*.log}).
 * A signal this JVM was started with ignored (nohup) is reported as a skipped assumption.
 */
@DisabledOnOs(OS.WINDOWS)
class SignalExitTest {

    private static final Path TINY = Path.of("..", "unidiff-api", "src", "test", "resources", "random-tiny-bundle")
            .toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @BeforeAll
    static void needsTheTinyBundle() {
        assumeTrue(Files.isRegularFile(TINY.resolve("unidiff.json")), "tiny bundle not found at " + TINY);
    }

    @ParameterizedTest(name = "SIG{0} exits {1}")
    @CsvSource({"TERM, 143", "HUP, 129"})
    void aSignalMidRunCancelsClosesAndExitsWithItsStatus(String signal, int status) throws Exception {
        // A signal ignored when this JVM started (nohup ignores SIGHUP) is ignored by the child too,
        // and a JVM cannot catch an ignored signal: the run then goes on, exactly as nohup asks, so
        // there is nothing of ours to test.
        assumeFalse(IgnoredSignals.ofThisProcess().contains(signal), "SIG" + signal + " is ignored by this test"
                + " JVM (started under nohup or with the signal ignored), so the child inherits that and keeps"
                + " running as asked; the signal's handling cannot be tested here");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        // Many long outputs, so the run is still going when the signal comes.
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.awt.headless=true", "-cp", classpath, UnidiffCli.class.getName(), "generate",
                "--bundle", TINY.toString(), "--steps", "1000", "-n", "64", "--out", dir.resolve("out").toString(),
                "a red circle")
                .directory(dir.toFile())
                .redirectOutput(dir.resolve("stdout.txt").toFile())
                .start();
        StringBuffer err = new StringBuffer();
        CountDownLatch progressing = new CountDownLatch(1);
        Thread reader = drain(child.getErrorStream(), err, progressing);
        try {
            // Woken by the first progress line (or by the stream's end if the child died).
            assertTrue(progressing.await(120, TimeUnit.SECONDS), "no progress within 120 s: " + err);
            assertTrue(child.isAlive() && err.toString().contains("%"),
                    "the run should be reporting progress: " + err);

            long sent = System.nanoTime();
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(child.pid())).start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal);
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "exits within 30 s of SIG" + signal + ": " + err);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            reader.join(5000);

            assertEquals(status, child.exitValue(), err.toString());
            assertEquals("", Files.readString(dir.resolve("stdout.txt")), "nothing on standard output");
            assertTrue(err.toString().contains("cancelled"), err.toString());
            // A bound against a signal that is never acted on (the run itself would take minutes),
            // generous for a loaded machine: the exit comes within one model evaluation.
            assertTrue(millis < 60_000, "exited " + millis + " ms after the signal");
            try (Stream<Path> files = Files.list(dir)) {
                List<String> crashes = files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("hs_err"))
                        .toList();
                assertEquals(List.of(), crashes, "JVM crash files");
            }
        } finally {
            child.destroyForcibly();
        }
    }

    /** Copies the stream into {@code into}; counts {@code progressing} down at the first '%' or at the end. */
    private static Thread drain(InputStream in, StringBuffer into, CountDownLatch progressing) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[4096];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    into.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    if (into.indexOf("%") >= 0) {
                        progressing.countDown();
                    }
                }
            } catch (IOException ignored) {
                // The process ended.
            } finally {
                progressing.countDown();
            }
        }, "stderr-drain");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
