package org.unidiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unidiff.testtasks.MirrorTask;

/**
 * {@code unidiff run}: every task of the registry from the command line, including one written
 * outside the library ({@link MirrorTask}, on the test class path through its
 * {@code META-INF/services} entry) that this module has no code for.
 */
class RunCommandTest {

    @TempDir
    Path dir;

    private record Outcome(int code, String out, String err) {
    }

    private static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("-q");
        int code = UnidiffCli.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Outcome(code, out.toString(), err.toString());
    }

    /** A picture that is not its own mirror image: the left half red, a blue dot at the right. */
    private Path picture() throws IOException {
        BufferedImage image = new BufferedImage(16, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                image.setRGB(x, y, 0xcc2222);
            }
        }
        image.setRGB(13, 3, 0x2244ee);
        Path file = dir.resolve("in.png");
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    @Test
    void aTaskFromOutsideTheLibraryRunsFromTheCommandLine() throws IOException {
        Path in = picture();
        Path out = dir.resolve("out");
        Outcome o = run("run", MirrorTask.ID, "image=" + in, "note=left is right", "seed=5", "--out", out.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("texts[0]\tLEFT IS RIGHT"), o.out());
        BufferedImage written = ImageIO.read(out.resolve(MirrorTask.ID + "-seed5-images-0.png").toFile());
        BufferedImage expected = MirrorTask.mirror(ImageIO.read(in.toFile()));
        for (int y = 0; y < expected.getHeight(); y++) {
            for (int x = 0; x < expected.getWidth(); x++) {
                assertEquals(expected.getRGB(x, y), written.getRGB(x, y), "pixel " + x + "," + y);
            }
        }
        assertEquals("LEFT IS RIGHT\n", Files.readString(out.resolve(MirrorTask.ID + "-seed5-texts.txt")));
        // The files are not replaced unasked.
        Outcome again = run("run", MirrorTask.ID, "image=" + in, "note=x", "seed=5", "--out", out.toString());
        assertEquals(UnidiffCli.FAILED, again.code(), again.err());
        assertTrue(again.err().contains("exists"), again.err());
    }

    @Test
    void theListShowsEveryTaskWithItsFields() {
        Outcome o = run("run", "--list");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains(MirrorTask.ID + " (unidiffuser): image=image note=text"), o.out());
        assertTrue(o.out().contains("in-context (in-context): examples=[input=image, output=image]..."), o.out());
        assertTrue(o.out().contains("interpolation (unidiffuser): first=image last=image [frames=integer]"), o.out());
    }

    @Test
    void badFieldsAreRefusedByNameBeforeTheModelLoads() throws IOException {
        Path in = picture();
        Outcome blank = run("run", MirrorTask.ID, "image=" + in, "note= ", "--out", dir.toString());
        assertEquals(UnidiffCli.BAD_REQUEST, blank.code());
        assertTrue(blank.err().contains("note must be a non-empty string"), blank.err());
        Outcome unknown = run("run", MirrorTask.ID, "image=" + in, "note=a", "colour=red", "--out", dir.toString());
        assertEquals(UnidiffCli.BAD_REQUEST, unknown.code());
        assertTrue(unknown.err().contains("colour") && unknown.err().contains("image, note"), unknown.err());
        Outcome steps = run("run", "text-to-image", "prompt=a red circle", "steps=many", "--out", dir.toString());
        assertEquals(UnidiffCli.BAD_REQUEST, steps.code());
        assertTrue(steps.err().contains("steps must be an integer, found a string"), steps.err());
        Outcome task = run("run", "paint");
        assertEquals(UnidiffCli.BAD_REQUEST, task.code());
        assertTrue(task.err().contains("text-to-image") && task.err().contains(MirrorTask.ID), task.err());
    }

    @Test
    void aBuiltInTaskRunsTheSameAsItsLibraryCall() throws IOException {
        Path out = dir.resolve("t2i");
        Outcome o = run("run", "text-to-image", "prompt=a large red circle in the center on a black background",
                "seed=3", "steps=4", "--out", out.toString());
        assertEquals(0, o.code(), o.err());
        BufferedImage cli = ImageIO.read(out.resolve("text-to-image-seed3-images-0.png").toFile());
        try (org.unidiff.api.Unidiff u = org.unidiff.api.Unidiff.openDefault()) {
            BufferedImage api = u.textToImage(new org.unidiff.api.TextToImageRequest(
                    "a large red circle in the center on a black background",
                    org.unidiff.api.core.SamplingOptions.defaults().withSeed(3).withSteps(4))).image();
            for (int y = 0; y < api.getHeight(); y++) {
                for (int x = 0; x < api.getWidth(); x++) {
                    assertEquals(api.getRGB(x, y), cli.getRGB(x, y), "pixel " + x + "," + y);
                }
            }
        }
    }
}
