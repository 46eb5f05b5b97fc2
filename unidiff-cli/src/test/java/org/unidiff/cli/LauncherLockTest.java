package org.unidiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./unidiff} launcher under concurrent use, with stand-ins for {@code mvn} and
 * {@code java} that only log when they start and end: launchers started together build once, and a
 * rebuild never overlaps a running app (whose jars it would replace).
 */
@DisabledOnOs(OS.WINDOWS)
class LauncherLockTest {

    private static final Path LAUNCHER = Path.of("..", "unidiff");

    @TempDir
    Path root;

    private Path log;

    @BeforeEach
    void fakeCheckout() throws IOException {
        assumeTrue(Files.isRegularFile(LAUNCHER), "launcher not found at " + LAUNCHER);
        assumeTrue(onPath("flock") && onPath("bash"), "needs bash and flock (util-linux)");
        log = root.resolve("events.log");
        Files.copy(LAUNCHER, root.resolve("unidiff"));
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        Path bin = Files.createDirectories(root.resolve("bin"));
        script(bin.resolve("mvn"), """
                echo "build-start" >> "%1$s"
                sleep 1.5
                mkdir -p unidiff-cli/target
                touch unidiff-cli/target/unidiff-cli.jar
                echo "%2$s" > unidiff-cli/target/classpath.txt
                echo "build-end" >> "%1$s"
                """.formatted(log, root.resolve("pom.xml")));
        script(bin.resolve("java"), """
                echo "run-start $LABEL" >> "%1$s"
                sleep "${RUN_SECONDS:-0.5}"
                echo "run-end $LABEL" >> "%1$s"
                """.formatted(log));
    }

    @Test
    void launchersStartedTogetherBuildOnceAndRunAfterTheBuild() throws Exception {
        Process a = launch("A", "0.5");
        Process b = launch("B", "0.5");
        finish(a);
        finish(b);

        List<String> events = Files.readAllLines(log);
        assertEquals(1, events.stream().filter("build-start"::equals).count(), events.toString());
        int built = events.indexOf("build-end");
        assertTrue(built >= 0 && events.indexOf("run-start A") > built && events.indexOf("run-start B") > built,
                events.toString());
    }

    @Test
    void aRebuildWaitsForRunningApps() throws Exception {
        finish(launch("first", "0"));
        Files.writeString(log, "");
        Process running = launch("C", "2");
        waitFor("run-start C");
        // Sources changed while C runs: the next launcher must rebuild, but not under C.
        Files.setLastModifiedTime(root.resolve("pom.xml"), FileTime.from(Instant.now().plusSeconds(60)));
        Process rebuilding = launch("D", "0");
        finish(running);
        finish(rebuilding);

        List<String> events = Files.readAllLines(log);
        assertTrue(events.indexOf("build-start") > events.indexOf("run-end C"), "built while C ran: " + events);
        assertTrue(events.indexOf("run-start D") > events.indexOf("build-end"), events.toString());
    }

    private Process launch(String label, String runSeconds) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("bash", root.resolve("unidiff").toString(), "generate", "x")
                .directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("launcher-" + label + ".txt").toFile()));
        builder.environment().put("PATH", root.resolve("bin") + ":" + System.getenv("PATH"));
        builder.environment().put("LABEL", label);
        builder.environment().put("RUN_SECONDS", runSeconds);
        builder.environment().remove("UNIDIFF_BUNDLE");
        return builder.start();
    }

    private static void finish(Process p) throws InterruptedException {
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "launcher did not finish in 30 s");
        assertEquals(0, p.exitValue());
    }

    /** Waits for a line in the log, woken by the file system's change events (inotify), not a timer. */
    private void waitFor(String event) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        try (WatchService watch = root.getFileSystem().newWatchService()) {
            // Registered before the first look, so no write between the look and the wait is missed.
            root.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            while (!Files.readAllLines(log).contains(event)) {
                WatchKey key = watch.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                assertTrue(key != null, "no '" + event + "' in 120 s");
                key.pollEvents();
                key.reset();
            }
        }
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/usr/bin/env bash\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static boolean onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }
}
