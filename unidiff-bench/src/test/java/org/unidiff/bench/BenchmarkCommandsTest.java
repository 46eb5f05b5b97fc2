package org.unidiff.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Both command lines end to end on the random tiny bundle, with the smallest sizes, writing --out files. */
class BenchmarkCommandsTest {

    private static final String TINY = QualityRunnerTest.TINY.toString();

    @Test
    void qualityWritesItsTableAsCsv(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("quality.csv");
        int exit = new CommandLine(new QualityBenchmark()).execute("--bundle", TINY, "--steps", "2",
                "--samples-per-metric", "3", "--metrics", "joint,image-only", "--image-only-samples", "2",
                "--out", csv.toString());
        assertEquals(0, exit);
        List<String> lines = Files.readAllLines(csv);
        assertEquals(List.of("task,metric,value,count,target,pass/fail",
                "joint,caption parses,0.000,3,-,",
                "joint,image has one object,0.000,3,-,",
                "joint,caption parses and agrees with image,0.000,3,>= 0.70,FAIL",
                "image only,valid (one object),0.000,2,>= 0.90,FAIL",
                "image only,distinct scenes,0,2,(>= 100 in 300),"), lines);
    }

    @Test
    void qualityRefusesBadOptionsWithExitCode2() {
        assertEquals(2, new CommandLine(new QualityBenchmark()).execute("--bundle", TINY, "--metrics", "t2i,nope"));
        assertEquals(2, new CommandLine(new QualityBenchmark()).execute("--bundle", "no/such/dir"));
        assertEquals(2, new CommandLine(new QualityBenchmark()).execute("--bundle", TINY, "--batch", "0"));
        assertEquals(2, new CommandLine(new QualityBenchmark()).execute("--bundle", TINY, "--variant", " "));
    }

    @Test
    void speedRefusesAVariantAgainstPeersThatRunTheMainFiles() {
        assertEquals(2, new CommandLine(new SpeedBenchmark()).execute("--bundle", TINY, "--variant", "int8"));
        assertEquals(2, new CommandLine(new SpeedBenchmark()).execute("--bundle", TINY, "--variant", "int8",
                "--same-engine-only"));
        assertEquals(2, new CommandLine(new SpeedBenchmark()).execute("--bundle", TINY, "--variant", "int8",
                "--no-ort-peer"));
    }

    @Test
    void speedWritesThreeTablesAndSaysThePythonSideIsMissing(@TempDir Path dir) throws Exception {
        Path md = dir.resolve("speed.md");
        int exit = new CommandLine(new SpeedBenchmark()).execute("--bundle", TINY, "--steps", "2", "--repeats", "2",
                "--warmup", "1", "--leak-generations", "3", "--leak-steps", "1",
                "--reference-work", dir.resolve("no-run").toString(), "--out", md.toString());
        assertEquals(0, exit);
        String text = Files.readString(md);
        assertTrue(text.contains("### Speed of model 'random-tiny', dpm-solver, 2 steps"), text);
        for (SpeedTask task : SpeedTask.values()) {
            assertTrue(text.contains("| " + task.label() + " |"), task.label());
        }
        assertTrue(text.contains("| not available |"), text);
        assertTrue(text.contains("python reference not available: no trained PyTorch checkpoints"), text);
        assertTrue(text.contains("### Where the Java time goes"), text);
        assertTrue(text.contains("reproduced the API's image or caption"), text);
        assertTrue(text.contains("### Many requests in one call"), text);
        for (String n : new String[] {"| 1 |", "| 4 |", "| 8 |"}) {
            assertTrue(text.contains(n), "batch row " + n + ": " + text);
        }
        assertTrue(text.contains("| RSS after 3 small generations (1 steps) |"), text);
        // The same-engine table is always there: with its rows, or saying why the peer could not run.
        assertTrue(text.contains("### Same engine: Java against Python onnxruntime"), text);
        assertTrue(text.contains("| text->image, batch 1 |") || text.contains("the onnxruntime peer is not available"),
                text);
    }

    @Test
    void throughputWritesOneRowPerConcurrency(@TempDir Path dir) throws Exception {
        Path md = dir.resolve("throughput.md");
        int exit = new CommandLine(new SpeedBenchmark()).execute("--bundle", TINY, "--steps", "1", "--warmup", "1",
                "--throughput", "1,3", "--throughput-requests", "2", "--out", md.toString());
        assertEquals(0, exit);
        String text = Files.readString(md);
        assertTrue(text.contains("### Throughput: text->image"), text);
        assertTrue(text.contains("| 1 | default |"), text);
        assertTrue(text.contains("| 3 | default |"), text);
        assertEquals(2, new CommandLine(new SpeedBenchmark()).execute("--bundle", TINY, "--throughput", "0"));
    }

    @Test
    void speedRefusesBadOptionsWithExitCode2() {
        assertEquals(2, new CommandLine(new SpeedBenchmark()).execute("--bundle", TINY, "--repeats", "0"));
    }
}
