package org.unidiff.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unidiff.shapes.Renderer;
import org.unidiff.shapes.SceneSampler;

/**
 * Every input file becomes exactly one row: bombs, empty and unreadable files are error rows
 * (never a failed executor or a lost row), folders are read recursively, and an input with no
 * file is refused.
 */
final class SparkInputsTest {

    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("unidiff-spark inputs")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    /** A PNG that is a signature and a header declaring {@code w x h}, no pixel data (an image bomb's shape). */
    static byte[] headerOnlyPng(int w, int h) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(ihdr);
        d.write("IHDR".getBytes(StandardCharsets.US_ASCII));
        d.writeInt(w);
        d.writeInt(h);
        d.write(new byte[] {8, 2, 0, 0, 0});   // 8-bit RGB
        byte[] chunk = ihdr.toByteArray();
        out.writeInt(chunk.length - 4);
        out.write(chunk);
        CRC32 crc = new CRC32();
        crc.update(chunk);
        out.writeInt((int) crc.getValue());
        return bytes.toByteArray();
    }

    @Test
    void bombsEmptyAndNestedFilesEachGetTheirRow(@TempDir Path dir) throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        Path nested = Files.createDirectories(in.resolve("a").resolve("b"));
        SceneSampler scenes = SceneSampler.forTraining();
        ImageIO.write(Renderer.renderImage(scenes.sample(new SplittableRandom(1))), "png", in.resolve("top.png").toFile());
        ImageIO.write(Renderer.renderImage(scenes.sample(new SplittableRandom(2))), "png",
                nested.resolve("deep.png").toFile());
        Files.write(in.resolve("bomb.png"), headerOnlyPng(16000, 16000));
        Files.write(in.resolve("empty.png"), new byte[0]);
        Files.writeString(nested.resolve("notes.png"), "not an image");
        Files.writeString(in.resolve(".hidden.png"), "skipped as Spark skips it");

        Path out = dir.resolve("out");
        JobSummary summary = CaptionJob.run(spark, in.toString(), out.toString(), 2,
                SparkJobOptions.defaults().withSteps(2).withBatchSize(4));
        assertEquals(5, summary.rows(), "one row per file");
        assertEquals(3, summary.errors());
        Map<String, Row> byName = new TreeMap<>();
        for (Row r : spark.read().parquet(out.toString()).collectAsList()) {
            String path = r.getAs("path");
            byName.put(path.substring(path.lastIndexOf('/') + 1), r);
        }
        assertEquals(java.util.Set.of("top.png", "deep.png", "bomb.png", "empty.png", "notes.png"), byName.keySet());
        assertNotNull(byName.get("deep.png").getAs("caption"), "a file in a subfolder is captioned");
        assertNull(byName.get("deep.png").getAs("error"));
        assertTrue(((String) byName.get("bomb.png").getAs("error")).contains("16000 x 16000 pixels"),
                byName.get("bomb.png").toString());
        assertTrue(((String) byName.get("empty.png").getAs("error")).contains("empty (0 bytes)"),
                byName.get("empty.png").toString());
        assertTrue(((String) byName.get("notes.png").getAs("error")).contains("not an image format"),
                byName.get("notes.png").toString());
        assertTrue(((String) byName.get("empty.png").getAs("path")).startsWith("file:/"), "Spark's path form");
    }

    @Test
    void unknownWordsAreAWarningColumnOrWithStrictAnErrorAndCountersReachTheUi(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("prompts.csv");
        Files.writeString(csv, "prompt\na red circle\na red cat\n");
        java.util.concurrent.ConcurrentHashMap<String, Long> seen = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.CountDownLatch counted = new java.util.concurrent.CountDownLatch(1);
        java.util.Set<String> descriptions = java.util.concurrent.ConcurrentHashMap.newKeySet();
        org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
            @Override
            public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
                String d = start.properties() == null ? null : start.properties().getProperty("spark.job.description");
                if (d != null) {
                    descriptions.add(d);
                }
            }

            @Override
            public void onStageCompleted(org.apache.spark.scheduler.SparkListenerStageCompleted done) {
                scala.collection.Iterator<org.apache.spark.scheduler.AccumulableInfo> it =
                        done.stageInfo().accumulables().values().iterator();
                while (it.hasNext()) {
                    org.apache.spark.scheduler.AccumulableInfo a = it.next();
                    String name = a.name().isDefined() ? a.name().get() : "";
                    if (name.startsWith("unidiff generate") && a.value().isDefined()) {
                        seen.merge(name, ((Number) a.value().get()).longValue(), Long::sum);
                        if (name.endsWith("images")) {
                            counted.countDown();
                        }
                    }
                }
            }
        };
        spark.sparkContext().addSparkListener(listener);
        try {
            SparkJobOptions options = SparkJobOptions.defaults().withSteps(2).withBatchSize(4);
            GenerateJob.run(spark, csv.toString(), dir.resolve("lenient").toString(), 1, options);
            Map<String, Row> lenient = new TreeMap<>();
            for (Row r : spark.read().parquet(dir.resolve("lenient").resolve("index").toString()).collectAsList()) {
                lenient.put(r.getAs("prompt"), r);
            }
            assertNull(lenient.get("a red circle").getAs("warning"));
            assertEquals("unknown words ignored: 'cat'", lenient.get("a red cat").getAs("warning"));
            assertNotNull(lenient.get("a red cat").getAs("file"), "a warning still draws");
            // The Spark UI's view: the job's named accumulators, sent with the stage's completion.
            assertTrue(counted.await(120, java.util.concurrent.TimeUnit.SECONDS), "no counters reached the UI: " + seen);
            assertEquals(2L, seen.get("unidiff generate rows"), seen.toString());
            assertTrue(descriptions.stream().anyMatch(d -> d.startsWith("unidiff generate ") && d.contains("prompts.csv")),
                    "jobs are named for the UI: " + descriptions);
            assertEquals(2L, seen.get("unidiff generate images"), seen.toString());
            assertEquals(0L, seen.getOrDefault("unidiff generate errors", 0L), "a zero counter is not sent: " + seen);

            JobSummary strict = GenerateJob.run(spark, csv.toString(), dir.resolve("strict").toString(), 1,
                    options.withStrict(true));
            assertEquals(1, strict.errors());
            Row cat = spark.read().parquet(dir.resolve("strict").resolve("index").toString())
                    .filter("prompt = 'a red cat'").first();
            assertTrue(((String) cat.getAs("error")).contains("unknown words ignored: 'cat'"), cat.toString());
            assertNull(cat.getAs("file"));
        } finally {
            spark.sparkContext().removeSparkListener(listener);
        }
    }

    @Test
    void anInputWithNoFileIsRefused(@TempDir Path dir) throws IOException {
        Path in = Files.createDirectories(dir.resolve("in").resolve("sub"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CaptionJob.run(spark, in.getParent().toString(), dir.resolve("out").toString(), 0,
                        SparkJobOptions.defaults()));
        assertTrue(e.getMessage().contains("found no files"), e.getMessage());
        assertTrue(!Files.exists(dir.resolve("out")), "nothing written");
    }
}
