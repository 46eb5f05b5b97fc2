package org.unidiff.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.TextToImageRequest;
import org.unidiff.api.Unidiff;
import org.unidiff.api.core.UnidiffOptions;
import org.unidiff.testtasks.MirrorTask;

/**
 * The requests job: one table with rows of several tasks (a task from outside the library among
 * them, {@link MirrorTask}, which this module has no code for), each row's result equal to the
 * library's, bad rows as error rows naming the field.
 */
final class RequestsJobTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static SparkSession spark;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("unidiff requests job test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    private static String line(String key, String task, Map<String, Object> request) throws IOException {
        Map<String, Object> row = new HashMap<>();
        row.put("key", key);
        row.put("task", task);
        row.put("request", JSON.writeValueAsString(request));
        return JSON.writeValueAsString(row);
    }

    private static Path local(String file) {
        return Path.of(URI.create(file));
    }

    @Test
    void rowsOfAnyTaskRunAsTheLibraryRunsThem() throws IOException {
        BufferedImage picture = new BufferedImage(12, 6, BufferedImage.TYPE_INT_RGB);
        picture.setRGB(1, 2, 0xff0000);
        picture.setRGB(10, 4, 0x00ff00);
        Path in = dir.resolve("picture.png");
        ImageIO.write(picture, "png", in.toFile());
        String prompt = "a large red circle in the center on a black background";
        Path table = dir.resolve("requests.jsonl");
        Files.writeString(table, String.join("\n",
                line("m", MirrorTask.ID, Map.of("image", in.toString(), "note", "hello", "seed", 1)),
                line("t", "text-to-image", Map.of("prompt", prompt, "seed", 9, "steps", 3)),
                line("bad-field", MirrorTask.ID, Map.of("image", in.toString(), "note", "x", "colour", "red")),
                line("bad-task", "paint", Map.of("prompt", "x")),
                line("bad-image", MirrorTask.ID, Map.of("image", dir.resolve("missing.png").toString(), "note", "x")))
                + "\n", StandardCharsets.UTF_8);
        String output = dir.resolve("out").toString();
        JobSummary summary = RequestsJob.run(spark, table.toString(), output, 2,
                SparkJobOptions.defaults(), SaveMode.ErrorIfExists);
        assertEquals(5, summary.rows());
        assertEquals(3, summary.errors());
        Map<String, Row> byKey = new HashMap<>();
        for (Row r : spark.read().parquet(output + "/index").collectAsList()) {
            byKey.put(r.getString(0), r);
        }

        Row m = byKey.get("m");
        assertNull(m.<String>getAs("error"), m.<String>getAs("error"));
        List<String> files = m.getList(m.fieldIndex("files"));
        assertEquals(1, files.size());
        BufferedImage mirrored = ImageIO.read(local(files.get(0)).toFile());
        BufferedImage want = MirrorTask.mirror(picture);
        for (int y = 0; y < want.getHeight(); y++) {
            for (int x = 0; x < want.getWidth(); x++) {
                assertEquals(want.getRGB(x, y), mirrored.getRGB(x, y), "pixel " + x + "," + y);
            }
        }
        Map<String, scala.collection.Seq<String>> texts = m.getJavaMap(m.fieldIndex("texts"));
        assertEquals(List.of("HELLO"), scala.jdk.javaapi.CollectionConverters.asJava(texts.get("texts")));

        Row t = byKey.get("t");
        assertNull(t.<String>getAs("error"), t.<String>getAs("error"));
        BufferedImage spark = ImageIO.read(local(t.<String>getList(t.fieldIndex("files")).get(0)).toFile());
        try (Unidiff api = Unidiff.open(UnidiffOptions.defaults())) {
            BufferedImage lib = api.textToImage(new TextToImageRequest(prompt,
                    SamplingOptions.defaults().withSeed(9).withSteps(3))).image();
            for (int y = 0; y < lib.getHeight(); y++) {
                for (int x = 0; x < lib.getWidth(); x++) {
                    assertEquals(lib.getRGB(x, y), spark.getRGB(x, y), "pixel " + x + "," + y);
                }
            }
        }
        assertTrue(byKey.get("bad-field").<String>getAs("error").contains("colour"), byKey.get("bad-field").toString());
        assertTrue(byKey.get("bad-task").<String>getAs("error").contains(MirrorTask.ID), byKey.get("bad-task").toString());
        assertTrue(byKey.get("bad-image").<String>getAs("error").contains("image"), byKey.get("bad-image").toString());
    }
}
