package org.unidiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.unidiff.api.core.Progress;

class ConsoleProgressTest {

    @Test
    void oneUnitPerEvaluationAcrossStagesAndFullAtTheEnd() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (ConsoleProgress progress = new ConsoleProgress("vary", stream)) {
            assertEquals(0, progress.max(), "no bar before the first report");
            for (int stage = 0; stage < 2; stage++) {
                for (int e = 0; e < 6; e++) {
                    progress.onProgress(new Progress("stage " + stage, e, 6, stage, 2));
                    assertEquals(12, progress.max());
                    assertEquals(stage * 6L + e, progress.current(), "stage " + stage + " evaluation " + e);
                }
            }
            progress.finish();
            assertEquals(12, progress.current());
        }
        String shown = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(shown.contains("vary"), shown);
        assertTrue(shown.contains("12/12"), shown);
    }

    @Test
    void aLongTitleLeavesTheBarItsRoom() {
        String name = "caption " + "a-very-long-file-name-".repeat(10) + "end.png";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ConsoleProgress progress = new ConsoleProgress(name, new PrintStream(bytes, true, StandardCharsets.UTF_8))) {
            progress.onProgress(new Progress("image-to-text", 5, 10, 0, 1));
        }
        String shown = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(shown.contains("end.png"), shown);
        assertTrue(java.util.regex.Pattern.compile("\\[[=> ]{10,}\\]").matcher(shown).find(),
                "a bar at least 10 wide: " + shown);
        assertEquals(ConsoleProgress.MAX_TITLE, ConsoleProgress.title(name).length());
    }

    @Test
    void aCallThatFailsBeforeSamplingDrawsNothing() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ConsoleProgress progress = new ConsoleProgress("generate", new PrintStream(bytes, true,
                StandardCharsets.UTF_8))) {
            progress.finish();
        }
        assertEquals(0, bytes.size());
    }
}
