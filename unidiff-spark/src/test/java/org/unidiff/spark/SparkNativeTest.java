package org.unidiff.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unidiff.shapes.Renderer;
import org.unidiff.shapes.SceneSampler;

/** The library from a user's own Spark code: the ML Transformer and the SQL functions, against the job's captions. */
final class SparkNativeTest {

    private static SparkSession spark;

    @TempDir
    static Path shared;

    private static Path images;

    @BeforeAll
    static void start() throws IOException {
        spark = SparkSession.builder().master("local[2]").appName("unidiff-spark native")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
        images = Files.createDirectories(shared.resolve("images"));
        SceneSampler scenes = SceneSampler.forTraining();
        SplittableRandom random = new SplittableRandom(21);
        for (int i = 0; i < 3; i++) {
            ImageIO.write(Renderer.renderImage(scenes.sample(random)), "png", images.resolve("s" + i + ".png").toFile());
        }
        Files.writeString(images.resolve("broken.png"), "not an image");
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    private static Map<String, String> column(Dataset<Row> rows, String key, String value) {
        Map<String, String> out = new TreeMap<>();
        for (Row r : rows.select(key, value).collectAsList()) {
            out.put(r.getString(0), r.isNullAt(1) ? null : r.getString(1));
        }
        return out;
    }

    @Test
    void theTransformerAndTheSqlFunctionGiveTheJobsCaptions() {
        SparkJobOptions options = SparkJobOptions.defaults().withSteps(3).withJobSeed(7).withBatchSize(2);
        Dataset<Row> files = spark.read().format("binaryFile").load(images.toString());
        Map<String, String> job = column(CaptionJob.caption(files, options), "path", "caption");

        ImageCaptioner captioner = new ImageCaptioner().setInputCol("content").setKeyCol("path")
                .setOutputCol("text").setSteps(3).setSeed(7).setBatchSize(2);
        Dataset<Row> out = captioner.transform(files);
        assertTrue(List.of(out.schema().fieldNames()).containsAll(List.of("path", "modificationTime", "length",
                "content", "text", "text_error")), "every input column is kept: " + out.schema().simpleString());
        Map<String, String> transformed = column(out, "path", "text");
        assertEquals(job, transformed, "the transformer's captions are the job's");
        Row broken = out.filter("path LIKE '%broken.png'").first();
        assertNull(broken.getAs("text"));
        assertTrue(((String) broken.getAs("text_error")).contains("not an image format"), broken.toString());
        assertEquals(4, job.size());
        assertNotNull(job.values().stream().filter(v -> v != null).findFirst().orElse(null));

        UnidiffSql.register(spark, options);
        files.createOrReplaceTempView("images");
        Map<String, String> sql = column(spark.sql("SELECT path, unidiff_caption(content, path) AS caption FROM images"),
                "path", "caption");
        assertEquals(job, sql, "the SQL function's captions are the job's");
        Row words = spark.sql("SELECT unidiff_unknown_words('a red cat on the moon') AS w").first();
        assertEquals(List.of("cat", "moon"), words.getList(0).stream().sorted().toList(), "the and on are the model's words");
    }

    @Test
    void badColumnsAreRefusedNamingThem() {
        Dataset<Row> files = spark.read().format("binaryFile").load(images.toString());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> new ImageCaptioner().setInputCol("path").transform(files));
        assertTrue(type.getMessage().contains("inputCol 'path' must be a binary column"), type.getMessage());
        IllegalArgumentException exists = assertThrows(IllegalArgumentException.class,
                () -> new ImageCaptioner().setOutputCol("length").transform(files));
        assertTrue(exists.getMessage().contains("already exists"), exists.getMessage());
        // The library's own refusal of the sampling settings, naming the field.
        org.unidiff.api.core.InvalidRequestException steps = assertThrows(org.unidiff.api.core.InvalidRequestException.class,
                () -> new ImageCaptioner().setSteps(-3).transform(files));
        assertTrue(steps.getMessage().contains("steps"), steps.getMessage());
    }
}
