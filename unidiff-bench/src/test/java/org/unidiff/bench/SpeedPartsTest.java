package org.unidiff.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Percentiles, /proc parsing, the reference's result line and its prechecks. */
class SpeedPartsTest {

    private static Timings millis(long... values) {
        Timings t = new Timings();
        for (long v : values) {
            t.add(v * 1_000_000L);
        }
        return t;
    }

    @Test
    void medianAndNearestRankP90() {
        Timings odd = millis(50, 10, 30, 20, 40);
        assertEquals(30.0, odd.medianMillis());
        assertEquals(50.0, odd.p90Millis(), "ceil(0.9 * 5) = 5th of 5");
        Timings even = millis(4, 1, 3, 2);
        assertEquals(2.5, even.medianMillis());
        assertEquals(4.0, even.p90Millis());
        Timings ten = millis(1, 2, 3, 4, 5, 6, 7, 8, 9, 100);
        assertEquals(9.0, ten.p90Millis(), "ceil(0.9 * 10) = 9th of 10");
        Timings many = new Timings();
        for (int i = 1; i <= 20; i++) {
            many.add(i);
        }
        assertEquals(20, many.count(), "grows past its first capacity");
        assertEquals(18e-6, many.p90Millis(), 1e-15);
        assertTrue(Double.isNaN(new Timings().medianMillis()));
        assertThrows(IllegalArgumentException.class, () -> new Timings().add(-1));
    }

    @Test
    void procStatusGivesRssAndPeak() {
        String status = "Name:\tjava\nVmPeak:\t 9000 kB\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t12\n";
        ProcessMemory m = ProcessMemory.parse(status).orElseThrow();
        assertEquals(102400, m.rssKib());
        assertEquals(204800, m.peakKib());
        assertEquals(100.0, m.rssMib());
        assertEquals(200.0, m.peakMib());
        assertEquals(Optional.empty(), ProcessMemory.parse("Name:\tjava\nVmRSS:\t 1 kB\n"));
        assertThrows(IllegalArgumentException.class, () -> ProcessMemory.parse("VmRSS:\t 1 MB\nVmHWM:\t 2 kB\n"));
    }

    @Test
    void thisProcessHasAResidentSetOnLinux() {
        Optional<ProcessMemory> now = ProcessMemory.now();
        if (System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            assertTrue(now.isPresent());
            assertTrue(now.get().rssKib() > 0 && now.get().peakKib() >= now.get().rssKib(), now.get().toString());
        }
    }

    @Test
    void referenceResultLineIsReadAfterAnyOtherOutput() {
        ReferenceSpeed.Result r = ReferenceSpeed.parse("loading...\n{\"tasks\": {\"t2i-1\": [0.5, 0.25, 0.75]},"
                + " \"unavailable\": {\"group-4\": \"ValueError: too big\"}, \"threads\": 2}\n");
        assertEquals(500.0, r.timings().get("t2i-1").medianMillis(), 1e-9);
        assertEquals(Optional.empty(), r.whyNot("t2i-1"));
        assertEquals(Optional.of("ValueError: too big"), r.whyNot("group-4"));
        assertEquals(Optional.of("not run"), r.whyNot("joint"));
        assertEquals(2, r.threads());
        ReferenceSpeed.Result bad = ReferenceSpeed.parse("Traceback (most recent call last): boom");
        assertTrue(bad.whyNot("t2i-1").orElseThrow().contains("no JSON result line"), bad.toString());
        assertTrue(ReferenceSpeed.parse("{\"x\": 1}").whyNot("joint").orElseThrow().contains("'tasks'"));
    }

    @Test
    void referencePrecheckNamesWhatIsMissing() {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        ReferenceSpeed.Config noWork = new ReferenceSpeed.Config(Path.of("/usr/bin/python3"), repo,
                repo.resolve("no-such-run"), null, 1);
        assertTrue(ReferenceSpeed.precheck(noWork, "ddim").orElseThrow().contains("dpm-solver sampler only"));
        assertTrue(ReferenceSpeed.precheck(noWork, "dpm-solver").orElseThrow().contains("uvit.pt"));
        ReferenceSpeed.Config noRepo = new ReferenceSpeed.Config(Path.of("/usr/bin/python3"), repo.resolve("nowhere"),
                repo, null, 1);
        assertTrue(ReferenceSpeed.precheck(noRepo, "dpm-solver").orElseThrow().contains(ReferenceSpeed.PACKAGE));
    }
}
