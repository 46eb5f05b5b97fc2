package org.unidiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Reading the ignored-signal mask, from known masks and from a real {@code nohup} child. */
class IgnoredSignalsTest {

    @Test
    void masksNameTheirSignals() {
        assertEquals(Set.of(), IgnoredSignals.fromMask(0));
        assertEquals(Set.of("HUP"), IgnoredSignals.fromMask(0x1));
        assertEquals(List.of("HUP", "INT", "TERM"), List.copyOf(IgnoredSignals.fromMask(0x1 | 0x2 | 0x4000)));
        assertEquals(Set.of("PIPE"), IgnoredSignals.fromMask(0x1000));
    }

    @Test
    void aProcessStartedUnderNohupHasHupIgnored() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/status")) && Files.isExecutable(Path.of("/usr/bin/nohup")),
                "needs Linux's /proc and coreutils' nohup");
        Process p = new ProcessBuilder("/usr/bin/nohup", "sh", "-c", "grep SigIgn /proc/self/status")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String line = new String(p.getInputStream().readAllBytes()).strip();
        p.waitFor(30, TimeUnit.SECONDS);
        long mask = Long.parseUnsignedLong(line.substring(line.indexOf(':') + 1).strip(), 16);
        assertEquals(true, IgnoredSignals.fromMask(mask).contains("HUP"), line);
    }
}
