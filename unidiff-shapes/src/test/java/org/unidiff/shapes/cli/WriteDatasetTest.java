package org.unidiff.shapes.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class WriteDatasetTest {

    @TempDir
    Path temp;

    @Test
    void writesTrainingAndEvaluationDirectories() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine command = new CommandLine(new WriteDataset());
        command.setOut(new PrintWriter(out));
        int status = command.execute("--out", temp.resolve("train").toString(), "--seed", "3", "--singles", "20",
                "--groups", "5", "--variants", "2");
        assertEquals(0, status);
        assertEquals(25, Files.readAllLines(temp.resolve("train/items.jsonl")).size());
        assertTrue(out.toString().contains("25 items"), out.toString());

        CommandLine evaluation = new CommandLine(new WriteDataset());
        evaluation.setOut(new PrintWriter(new StringWriter()));
        status = evaluation.execute("--out", temp.resolve("eval").toString(), "--eval");
        assertEquals(0, status);
        assertEquals(1296, Files.readAllLines(temp.resolve("eval/eval.jsonl")).size());
    }

    @Test
    void failsWithoutAnOutputDirectoryOrWithBadCounts() {
        CommandLine command = new CommandLine(new WriteDataset());
        command.setErr(new PrintWriter(new StringWriter()));
        assertNotEquals(0, command.execute("--seed", "1"));
        CommandLine bad = new CommandLine(new WriteDataset());
        bad.setErr(new PrintWriter(new StringWriter()));
        assertNotEquals(0, bad.execute("--out", temp.resolve("x").toString(), "--variants", "0"));
    }
}
