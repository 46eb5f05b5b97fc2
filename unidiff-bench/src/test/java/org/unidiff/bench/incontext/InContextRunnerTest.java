package org.unidiff.bench.incontext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unidiff.api.Unidiff;
import org.unidiff.api.core.UnidiffOptions;
import org.unidiff.shapes.incontext.InContextTask;
import picocli.CommandLine;

/**
 * The benchmark's plumbing on the random tiny in-context bundle (its answers are noise, so only
 * the baselines have known values): the unchanged query scores 0 on items the task changes, and
 * the command writes both tables.
 */
class InContextRunnerTest {

    static final Path TINY = Path.of("..", "unidiff-api", "src", "test", "resources", "random-tiny-incontext");

    @Test
    void baselinesAndAccuraciesAreFractions() {
        List<InContextItem> items = InContextItems.of(InContextTask.fromId("resize"), 1, 3, 2);
        assertEquals(0.0, InContextRunner.accuracyOfTheQueryUnchanged(items));
        try (Unidiff u = Unidiff.open(UnidiffOptions.defaults().withBundle(TINY))) {
            InContextRunner runner = new InContextRunner(u, 2);
            double a = runner.accuracy(items, 0.5);
            double none = runner.accuracyWithoutExamples(items);
            assertTrue(a >= 0 && a <= 1 && none >= 0 && none <= 1);
        }
    }

    @Test
    void theCommandWritesBothTables(@TempDir Path dir) throws Exception {
        Path md = dir.resolve("ic.md");
        int code = new CommandLine(new InContextBenchmark()).execute("--bundle", TINY.toString(), "--items", "2",
                "--sweep-items", "1", "--steps", "2", "--tasks", "recolor:green,mask", "--out", md.toString());
        assertEquals(0, code);
        String text = Files.readString(md);
        assertTrue(text.contains("| recolor:green | yes |"), text);
        assertTrue(text.contains("| mask |"), text);
        assertTrue(text.contains("| recolor:green (held out) | 2 |"), text);
        assertTrue(text.contains("per transform"), text);
        assertTrue(text.contains("against k and guidance"), text);
        assertEquals(2, new CommandLine(new InContextBenchmark()).execute("--bundle", TINY.toString(), "--tasks",
                "paint:blue"));
    }
}
