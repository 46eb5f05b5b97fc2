package org.unidiff.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unidiff.api.ImageResult;
import org.unidiff.api.ImageToTextRequest;
import org.unidiff.api.ImageVariationRequest;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.TextResult;
import org.unidiff.api.TextToImageRequest;
import org.unidiff.api.Unidiff;
import org.unidiff.api.core.UnidiffOptions;
import org.unidiff.api.engine.SeedRules;
import org.unidiff.shapes.Renderer;
import org.unidiff.shapes.SceneSampler;

/**
 * The Spark jobs on {@code local[2]} against the plain Java API: same outputs as the same requests
 * made one by one, independent of partitioning, bad rows as error rows, one output per row after
 * a task retry. One session for the class (starting Spark takes seconds); 3 solver steps.
 */
final class SparkJobsTest {

    private static final int STEPS = 3;
    private static final long JOB_SEED = 42L;

    /** Counts the task attempts the retry test made fail; static because local tasks share this JVM. */
    private static final AtomicInteger INJECTED_FAILURES = new AtomicInteger();

    private static SparkSession spark;
    private static Unidiff api;

    @TempDir
    static Path shared;

    private static Path images;

    @BeforeAll
    static void start() throws IOException {
        // local[2, 3]: two task threads, and up to 3 attempts per task so an injected failure is retried.
        spark = SparkSession.builder().master("local[2,3]").appName("unidiff-spark tests")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .getOrCreate();
        api = Unidiff.open(UnidiffOptions.defaults());
        images = Files.createDirectories(shared.resolve("images"));
        SplittableRandom random = new SplittableRandom(5);
        SceneSampler scenes = SceneSampler.forTraining();
        for (int i = 0; i < 6; i++) {
            ImageIO.write(Renderer.renderImage(scenes.sample(random)), "png", images.resolve("shape-" + i + ".png").toFile());
        }
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
        if (api != null) {
            api.close();
        }
    }

    private static SparkJobOptions options() {
        return SparkJobOptions.defaults().withJobSeed(JOB_SEED).withSteps(STEPS).withBatchSize(4);
    }

    private static SamplingOptions sampling(long seed) {
        return SamplingOptions.defaults().withSeed(seed).withSteps(STEPS);
    }

    /** Rows by their first column (path or row key + output), so runs can be compared whatever their order. */
    private static Map<String, Row> byKey(Dataset<Row> table, String... keyColumns) {
        Map<String, Row> out = new TreeMap<>();
        for (Row r : table.collectAsList()) {
            StringBuilder key = new StringBuilder();
            for (String c : keyColumns) {
                key.append(String.valueOf(r.<Object>getAs(c))).append('|');
            }
            assertNull(out.put(key.toString(), r), "duplicate row " + key);
        }
        return out;
    }

    private static BufferedImage read(String path) throws IOException {
        return ImageIO.read(Path.of(URI.create(path)).toFile());
    }

    private static void assertSamePixels(BufferedImage expected, BufferedImage actual, String what) {
        assertEquals(expected.getWidth(), actual.getWidth(), what + " width");
        assertEquals(expected.getHeight(), actual.getHeight(), what + " height");
        int[] e = expected.getRGB(0, 0, expected.getWidth(), expected.getHeight(), null, 0, expected.getWidth());
        int[] a = actual.getRGB(0, 0, actual.getWidth(), actual.getHeight(), null, 0, actual.getWidth());
        assertArrayEquals(e, a, what + " pixels");
    }

    @Test
    void captionJobGivesTheApisCaptionsForEveryImage() throws IOException {
        Dataset<Row> in = CaptionJob.readImages(spark, images.toString()).repartition(2);
        List<Row> rows = CaptionJob.caption(in, options()).collectAsList();
        assertEquals(6, rows.size());
        Set<String> distinct = new HashSet<>();
        for (Row r : rows) {
            String path = r.getAs("path");
            long seed = SeedRules.rowSeed(JOB_SEED, path);
            assertEquals(seed, (long) r.<Long>getAs("seed"), "seed of " + path);
            TextResult alone = api.imageToText(new ImageToTextRequest(read(path), sampling(seed)));
            assertNull(r.getAs("error"), path);
            assertEquals(alone.text(), r.getAs("caption"), "caption of " + path);
            assertEquals(alone.parameters().asText(), r.getJavaMap(r.fieldIndex("parameters")), "parameters of " + path);
            distinct.add(r.getAs("caption"));
        }
        assertTrue(distinct.size() > 1, "six different shapes got one caption: " + distinct);
    }

    @Test
    void captionsDoNotDependOnPartitioning() {
        Map<String, Row> one = byKey(CaptionJob.caption(
                CaptionJob.readImages(spark, images.toString()).repartition(1), options()), "path");
        Map<String, Row> four = byKey(CaptionJob.caption(
                CaptionJob.readImages(spark, images.toString()).repartition(4), options().withBatchSize(1)), "path");
        assertEquals(6, one.size());
        assertEquals(one, four);
    }

    @Test
    void aCorruptImageGivesOneErrorRowAndTheOthersTheirCaptions(@TempDir Path dir) throws IOException {
        for (int i = 0; i < 3; i++) {
            Files.copy(images.resolve("shape-" + i + ".png"), dir.resolve("shape-" + i + ".png"));
        }
        byte[] png = Files.readAllBytes(images.resolve("shape-3.png"));
        Files.write(dir.resolve("broken.png"), java.util.Arrays.copyOf(png, png.length / 3));
        Files.write(dir.resolve("notes.png"), "not an image".getBytes(StandardCharsets.UTF_8));

        Path out = dir.resolve("out");
        JobSummary summary = CaptionJob.run(spark, dir.toString() + "/*.png", out.toString(), 2, options());
        assertEquals(5, summary.rows());
        assertEquals(2, summary.errors());
        for (Row r : spark.read().parquet(out.toString()).collectAsList()) {
            String path = r.getAs("path");
            if (path.endsWith("broken.png") || path.endsWith("notes.png")) {
                assertNull(r.getAs("caption"));
                String error = r.getAs("error");
                assertTrue(error.startsWith("invalid request: image must be a readable image file, found ")
                        && error.contains(path), error);
            } else {
                assertNull(r.getAs("error"), path);
                String expected = api.imageToText(new ImageToTextRequest(read(path),
                        sampling(SeedRules.rowSeed(JOB_SEED, path)))).text();
                assertEquals(expected, r.getAs("caption"), path);
            }
        }
    }

    /** A prompt table with a repeated prompt, an explicit seed, two outputs and two bad rows. */
    private static Path prompts(Path dir) throws IOException {
        Path csv = dir.resolve("prompts.csv");
        Files.writeString(csv, String.join("\n",
                "prompt,seed,steps,outputs",
                "a large red circle in the center on a black background,,,",
                "a small blue square at the top left on a white background,7,,2",
                "a large red circle in the center on a black background,,,",
                "a green triangle at the bottom right on a white background,,2,",
                "a small yellow circle at the top right on a black background,,many,",
                " ,,,",
                ""));
        return csv;
    }

    @Test
    void generateJobWritesTheApisImagesAndAnIndex(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out");
        JobSummary summary = GenerateJob.run(spark, prompts(dir).toString(), out.toString(), 2, options());
        // 4 good rows (one with 2 outputs) = 5 images, and 2 error rows.
        assertEquals(7, summary.rows());
        assertEquals(2, summary.errors());
        Map<String, Row> index = byKey(spark.read().parquet(out.resolve("index").toString()), "row_key", "output");
        Set<Long> circleSeeds = new HashSet<>();
        for (Row r : index.values()) {
            String key = r.getAs(GenerateJob.ROW_KEY);
            String prompt = r.getAs("prompt");
            if (r.getAs("error") != null) {
                assertNull(r.getAs("file"));
                String error = r.getAs("error");
                assertTrue(error.contains("steps must be a whole number, found 'many'")
                        || error.contains("prompt must be a non-empty string"), error);
                continue;
            }
            long seed = r.getAs("seed");
            boolean explicitSeed = prompt.startsWith("a small blue square");
            assertEquals(explicitSeed ? 7L : SeedRules.rowSeed(JOB_SEED, key), seed, key);
            assertEquals(prompt + "#" + (key.endsWith("#1") ? 1 : 0), key);
            if (prompt.startsWith("a large red circle")) {
                circleSeeds.add(seed);
            }
            SamplingOptions o = sampling(seed).withOutputs(explicitSeed ? 2 : 1);
            if (prompt.startsWith("a green triangle")) {
                o = o.withSteps(2);
            }
            ImageResult alone = api.textToImage(new TextToImageRequest(prompt, o));
            int output = r.getAs("output");
            assertSamePixels(alone.images().get(output), read(r.getAs("file")), key + " output " + output);
            assertEquals(alone.parameters().asText(), r.getJavaMap(r.fieldIndex("parameters")));
        }
        assertEquals(2, circleSeeds.size(), "the repeated prompt's two rows must draw different noise");
        assertEquals(5, pngs(out.resolve("images")).size());
    }

    @Test
    void generateGivesTheSameFilesInOneAndFourPartitionsFromCsvOrParquet(@TempDir Path dir) throws IOException {
        Path csv = prompts(dir);
        // The same table as Parquet (row order kept: one file), so the formats are checked to agree too.
        String parquet = dir.resolve("prompts.parquet").toString();
        GenerateJob.readPrompts(spark, csv.toString()).coalesce(1).write().parquet(parquet);
        GenerateJob.run(spark, csv.toString(), dir.resolve("one").toString(), 1, options());
        GenerateJob.run(spark, parquet, dir.resolve("four").toString(), 4, options().withBatchSize(1));
        Map<String, Row> one = byKey(spark.read().parquet(dir.resolve("one/index").toString())
                .drop("file"), "row_key", "output");
        Map<String, Row> four = byKey(spark.read().parquet(dir.resolve("four/index").toString())
                .drop("file"), "row_key", "output");
        assertEquals(one, four);
        List<Path> a = pngs(dir.resolve("one/images"));
        List<Path> b = pngs(dir.resolve("four/images"));
        assertEquals(a.stream().map(Path::getFileName).toList(), b.stream().map(Path::getFileName).toList());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(Files.readAllBytes(a.get(i)), Files.readAllBytes(b.get(i)), a.get(i).getFileName().toString());
        }
    }

    @Test
    void aRetriedTaskLeavesExactlyOneFilePerImage(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("many.jsonl");
        StringBuilder lines = new StringBuilder();
        String[] colors = {"red", "green", "blue", "yellow"};
        for (int i = 0; i < 12; i++) {
            lines.append("{\"prompt\": \"a large ").append(colors[i % 4]).append(" circle in the center on a black background\", \"key\": \"row-")
                    .append(i).append("\"}\n");
        }
        Files.writeString(csv, lines);
        INJECTED_FAILURES.set(0);
        // Partition 0's first attempt dies after its first batch of 2 rows has written its files.
        TaskHook failOnce = (partition, attempt, batch) -> {
            if (partition == 0 && attempt == 0 && batch == 0) {
                INJECTED_FAILURES.incrementAndGet();
                throw new IllegalStateException("injected failure of the first attempt of partition 0");
            }
        };
        Path out = dir.resolve("out");
        // What an attempt killed in the middle of a write leaves behind: the job must remove it.
        Path stale = Files.createDirectories(out.resolve("images")).resolve(".row-0.png.999.tmp");
        Files.write(stale, new byte[] {1, 2, 3});
        // Appending: the output holds what the killed run left.
        JobSummary summary = GenerateJob.run(spark, csv.toString(), out.toString(), 2,
                options().withBatchSize(2).withHook(failOnce), org.apache.spark.sql.SaveMode.Append);
        assertEquals(1, INJECTED_FAILURES.get(), "the hook must have failed one attempt");
        assertEquals(12, summary.rows());
        assertEquals(0, summary.errors());
        Map<String, Row> index = byKey(spark.read().parquet(out.resolve("index").toString()), "row_key");
        assertEquals(12, index.size());
        List<Path> files = allFiles(out.resolve("images"));
        assertEquals(12, files.size(), "exactly the 12 images, no temporary or duplicate file: " + files);
        Set<String> indexed = new HashSet<>();
        for (Row r : index.values()) {
            indexed.add(Path.of(URI.create(r.getAs("file"))).getFileName().toString());
            assertEquals(OutputFiles.fileName(r.getAs("row_key"), r.getAs("prompt"), r.<Long>getAs("seed"),
                            new TreeMap<>(r.<String, String>getJavaMap(r.fieldIndex("parameters"))).toString(), 0),
                    Path.of(URI.create(r.getAs("file"))).getFileName().toString());
        }
        assertEquals(indexed, new HashSet<>(files.stream().map(p -> p.getFileName().toString()).toList()));
    }

    @Test
    void varyJobWritesTheApisVariations(@TempDir Path dir) throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.write(in.resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        for (int i = 0; i < 2; i++) {
            Files.copy(images.resolve("shape-" + i + ".png"), in.resolve("shape-" + i + ".png"));
        }
        Path out = dir.resolve("out");
        JobSummary summary = VaryJob.run(spark, in.toString(), out.toString(), 2, options());
        assertEquals(3, summary.rows());
        assertEquals(1, summary.errors());
        for (Row r : spark.read().parquet(out.resolve("index").toString()).collectAsList()) {
            String path = r.getAs("path");
            if (path.endsWith("broken.png")) {
                assertNotNull(r.getAs("error"));
                continue;
            }
            ImageResult alone = api.imageVariation(new ImageVariationRequest(read(path),
                    sampling(SeedRules.rowSeed(JOB_SEED, path))));
            assertSamePixels(alone.image(), read(r.getAs("file")), path);
        }
        assertEquals(2, pngs(out.resolve("images")).size());
    }

    @Test
    void badSettingsAndMissingColumnsAreRefusedOnTheDriver() {
        IllegalArgumentException batch = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> options().withBatchSize(0));
        assertTrue(batch.getMessage().contains("batchSize must be from 1 to 256, got 0"), batch.getMessage());
        Dataset<Row> noPrompt = spark.range(3).toDF("id");
        IllegalArgumentException column = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> GenerateJob.withRowKeys(noPrompt));
        assertTrue(column.getMessage().contains("needs a column 'prompt'"), column.getMessage());
        IllegalStateException bundle = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> ExecutorModels.locate("no-such-bundle"));
        assertTrue(bundle.getMessage().contains("model bundle 'no-such-bundle' not found on this executor")
                && bundle.getMessage().contains("--archives bundle.zip#no-such-bundle"), bundle.getMessage());
        assertNotEquals(OutputFiles.fileName("a#0", "a", 1, "{}", 0), OutputFiles.fileName("a#1", "a", 1, "{}", 0));
        assertNotEquals(OutputFiles.fileName("a#0", "a", 1, "{steps=3}", 0),
                OutputFiles.fileName("a#0", "a", 1, "{steps=4}", 0), "other settings, another name");
        assertTrue(OutputFiles.fileName("a#0", "a", 17, "{}", 0).startsWith("a-s17-"), "the seed is in the name");
        assertFalse(OutputFiles.fileName("x", "A Red / Circle!", 0, "{}", 0).contains("/"));
    }

    private static List<Path> pngs(Path folder) throws IOException {
        return allFiles(folder).stream().filter(p -> p.getFileName().toString().endsWith(".png")).toList();
    }

    private static List<Path> allFiles(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            List<Path> out = new ArrayList<>(s.filter(Files::isRegularFile).toList());
            out.sort(Comparator.naturalOrder());
            return out;
        }
    }
}
