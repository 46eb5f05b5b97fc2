package org.unidiff.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's refusals, which happen before any Spark session starts. */
final class SparkCliTest {

    private static String[] run(int expectedCode, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SparkCli.run(args, new PrintWriter(out), new PrintWriter(err));
        assertEquals(expectedCode, code, "exit code; stderr: " + err);
        return new String[] {out.toString(), err.toString()};
    }

    @Test
    void aBatchOutOfRangeIsABadUsageNamingTheLimit() {
        String err = run(2, "caption", "images", "--output", "out", "--batch", "0")[1];
        assertTrue(err.contains("batchSize must be from 1 to 256, got 0"), err);
    }

    @Test
    void stepsOutOfRangeAreRefusedBeforeTheJob() {
        String err = run(2, "generate", "prompts.csv", "--output", "out", "--steps", "0")[1];
        assertTrue(err.contains("steps must be an integer from 1 to 1000, found 0"), err);
    }

    @Test
    void aBlankVariantIsRefusedBeforeTheJob() {
        String err = run(2, "caption", "images", "--output", "out", "--variant", " ")[1];
        assertTrue(err.contains("--variant must be a variant name"), err);
    }

    @Test
    void aMissingOutputIsABadUsage() {
        String err = run(2, "vary", "images")[1];
        assertTrue(err.contains("--output"), err);
    }

    @Test
    void anUnknownSaveModeIsABadUsageNamingTheModes() {
        String err = run(2, "caption", "images", "--output", "out", "--mode", "replace")[1];
        assertTrue(err.contains("error, overwrite, append, ignore"), err);
    }

    @Test
    void captioningAFolderIntoItselfIsRefusedAndDeletesNothing(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("a.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB),
                "png", png.toFile());
        byte[] before = Files.readAllBytes(png);
        for (String mode : new String[] {"error", "overwrite", "append"}) {
            String err = run(2, "caption", dir.toString(), "--output", dir.toString(), "--mode", mode,
                    "--master", "local[1]")[1];
            assertTrue(err.contains("overlaps the input"), err);
            assertArrayEquals(before, Files.readAllBytes(png), "the input image was changed by mode " + mode);
        }
    }

    @Test
    void helpListsTheThreeJobs() {
        String out = run(0, "--help")[0];
        assertTrue(out.contains("caption") && out.contains("generate") && out.contains("vary"), out);
    }
}
