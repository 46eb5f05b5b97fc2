package org.unidiff.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unidiff.shapes.Renderer;
import org.unidiff.shapes.SceneSampler;

/**
 * No job destroys data: Spark's save modes on an existing output, and outputs that overlap their
 * input refused, whatever the mode, before anything is written or removed.
 */
final class SaveModesTest {

    private static SparkSession spark;

    @TempDir
    static Path shared;

    private static Path images;

    @BeforeAll
    static void start() throws IOException {
        spark = SparkSession.builder().master("local[2]").appName("unidiff-spark save modes")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
        images = Files.createDirectories(shared.resolve("images"));
        SplittableRandom random = new SplittableRandom(3);
        SceneSampler scenes = SceneSampler.forTraining();
        for (int i = 0; i < 2; i++) {
            ImageIO.write(Renderer.renderImage(scenes.sample(random)), "png", images.resolve("in-" + i + ".png").toFile());
        }
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    private static SparkJobOptions options() {
        return SparkJobOptions.defaults().withSteps(2).withBatchSize(4);
    }

    private static Set<String> tree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile).map(p -> root.relativize(p).toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Path prompts(Path dir, String... prompts) throws IOException {
        Path csv = dir.resolve("prompts-" + prompts.length + ".csv");
        Files.writeString(csv, "prompt\n" + String.join("\n", prompts) + "\n");
        return csv;
    }

    @Test
    void anExistingOutputIsRefusedByDefaultAndLeftUntouched(@TempDir Path dir) throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CaptionJob.run(spark, images.toString(), out.toString(), 0, options()));
        assertTrue(e.getMessage().contains("exists") && e.getMessage().contains("--mode overwrite"), e.getMessage());
        assertEquals(Set.of("notes.txt"), tree(out));
        assertEquals("mine", Files.readString(out.resolve("notes.txt")));
        assertThrows(IllegalArgumentException.class,
                () -> GenerateJob.run(spark, prompts(dir, "a red circle").toString(), out.toString(), 0, options()));
        assertEquals(Set.of("notes.txt"), tree(out));
    }

    @Test
    void anOutputThatIsOrIsInsideOrHoldsTheInputIsRefusedInEveryMode(@TempDir Path dir) throws IOException {
        Set<String> before = tree(images);
        for (SaveMode mode : SaveMode.values()) {
            for (String output : List.of(images.toString(), images.resolve("captions").toString(),
                    images.getParent().toString(), "file:" + images)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> CaptionJob.run(spark, images.toString(), output, 0, options(), mode), mode + " " + output);
                assertTrue(e.getMessage().contains("overlaps the input"), e.getMessage());
            }
            assertThrows(IllegalArgumentException.class,
                    () -> VaryJob.run(spark, images + "/*.png", images.toString(), 0, options(), mode));
        }
        // A link to the input folder is the input folder.
        Path link = Files.createSymbolicLink(dir.resolve("link"), images);
        assertThrows(IllegalArgumentException.class,
                () -> CaptionJob.run(spark, images.toString(), link.resolve("out").toString(), 0, options(),
                        SaveMode.Overwrite));
        assertEquals(before, tree(images), "an input file was touched");
    }

    @Test
    void overwriteReplacesTheWholeOutputAndLeavesNoOrphans(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out");
        Path csv = prompts(dir, "a red circle", "a blue square");
        GenerateJob.run(spark, csv.toString(), out.toString(), 0, options().withJobSeed(1));
        Files.writeString(out.resolve("stale.txt"), "left by hand");
        JobSummary second = GenerateJob.run(spark, csv.toString(), out.toString(), 0, options().withJobSeed(2),
                SaveMode.Overwrite);
        assertEquals(2, second.rows());
        Set<String> indexed = spark.read().parquet(out.resolve("index").toString()).select("file").collectAsList()
                .stream().map(r -> "images/" + Path.of(URI.create(r.getString(0))).getFileName())
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> pngs = tree(out).stream().filter(n -> n.endsWith(".png"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(indexed, pngs, "every image is in the index and nothing else is left");
        assertTrue(tree(out).stream().noneMatch(n -> n.equals("stale.txt")));
    }

    @Test
    void appendAddsRowsAndImagesBesideTheEarlierOnes(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out");
        Path csv = prompts(dir, "a red circle");
        GenerateJob.run(spark, csv.toString(), out.toString(), 0, options().withJobSeed(1));
        JobSummary both = GenerateJob.run(spark, csv.toString(), out.toString(), 0, options().withJobSeed(2),
                SaveMode.Append);
        assertEquals(2, both.rows(), "the earlier row and the new one");
        Set<String> pngs = tree(out).stream().filter(n -> n.endsWith(".png")).collect(Collectors.toSet());
        assertEquals(2, pngs.size(), "seeds 1 and 2 have their own files: " + pngs);
    }

    @Test
    void ignoreLeavesAnExistingOutputAndRunsNothing(@TempDir Path dir) throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        JobSummary s = CaptionJob.run(spark, images.toString(), out.toString(), 0, options(), SaveMode.Ignore);
        assertTrue(s.skipped());
        assertEquals(Set.of("notes.txt"), tree(out));
        JobSummary fresh = CaptionJob.run(spark, images.toString(), dir.resolve("new").toString(), 0, options(),
                SaveMode.Ignore);
        assertEquals(2, fresh.rows(), "an absent output is written in ignore mode");
    }

    @Test
    void globsCountFromTheirFolderAndModesParseAsSparkNamesThem() {
        assertEquals(new org.apache.hadoop.fs.Path("data"), JobOutput.globRoot("data/*.png"));
        assertEquals(new org.apache.hadoop.fs.Path("a"), JobOutput.globRoot("a/*/b.png"));
        assertEquals(new org.apache.hadoop.fs.Path("/x/y"), JobOutput.globRoot("/x/y"));
        assertTrue(JobOutput.within(new org.apache.hadoop.fs.Path("file:/a/b"), new org.apache.hadoop.fs.Path("file:/a")));
        assertTrue(!JobOutput.within(new org.apache.hadoop.fs.Path("file:/a/bc"), new org.apache.hadoop.fs.Path("file:/a/b")));
        assertEquals(SaveMode.ErrorIfExists, JobOutput.parseMode("error"));
        assertEquals(SaveMode.ErrorIfExists, JobOutput.parseMode("ErrorIfExists"));
        assertEquals(SaveMode.Overwrite, JobOutput.parseMode("overwrite"));
        assertEquals(SaveMode.Append, JobOutput.parseMode("APPEND"));
        assertEquals(SaveMode.Ignore, JobOutput.parseMode("ignore"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JobOutput.parseMode("replace"));
        assertTrue(e.getMessage().contains("error, overwrite, append, ignore"), e.getMessage());
    }
}
