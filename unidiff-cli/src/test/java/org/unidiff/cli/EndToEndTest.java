package org.unidiff.cli;

import org.unidiff.api.files.PngFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command run for real on the random-weight tiny bundle that the API module keeps in its test
 * resources: its outputs mean nothing, so this checks the plumbing (files, text chunks, sheets,
 * standard output, exit codes), not image quality.
 */
class EndToEndTest {

    private static final Path TINY = Path.of("..", "unidiff-api", "src", "test", "resources", "random-tiny-bundle");

    @TempDir
    Path dir;

    @BeforeAll
    static void needsTheTinyBundle() {
        assumeTrue(Files.isRegularFile(TINY.resolve("unidiff.json")), "tiny bundle not found at " + TINY);
    }

    private record Outcome(int code, List<String> lines, String err) {
    }

    private Outcome run(String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(new String[] {args[0], "--bundle", TINY.toString(), "--steps", "2"}, 0, all, 0, 5);
        System.arraycopy(args, 1, all, 5, args.length - 1);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = UnidiffCli.run(all, new PrintWriter(out), new PrintWriter(err));
        List<String> lines = out.toString().lines().toList();
        return new Outcome(code, lines, err.toString());
    }

    /** The short parameter hash in output names. */
    private static final String TAG = "[0-9a-f]{8}";

    private void assertName(String regex, String printed) {
        Path path = Path.of(printed);
        assertEquals(dir, path.getParent(), printed);
        assertTrue(path.getFileName().toString().matches(regex), printed + " does not match " + regex);
        assertTrue(Files.isRegularFile(path), printed);
    }

    private static BufferedImage image(String path) throws IOException {
        return ImageIO.read(Path.of(path).toFile());
    }

    @Test
    void generateWritesEveryOutputWithItsParametersAndASheetOfThemAll() throws IOException {
        Outcome o = run("generate", "-q", "-n", "2", "--seed", "5", "--out", dir.toString(),
                "a large red circle", "a small blue square");

        assertEquals(UnidiffCli.OK, o.code(), o.err());
        assertEquals(5, o.lines().size(), o.lines().toString());
        assertName("p0-a-large-red-circle-s5-" + TAG + "-0\\.png", o.lines().get(0));
        assertName("p1-a-small-blue-square-s5-" + TAG + "-1\\.png", o.lines().get(3));
        assertName(OutputFolder.SHEET_PREFIX + TAG + "\\.png", o.lines().get(4));

        Map<String, String> text = PngFiles.readText(Path.of(o.lines().get(3)));
        assertEquals("text-to-image", text.get("task"));
        assertEquals("random-tiny", text.get("model"));
        assertEquals("a small blue square", text.get("prompt"));
        assertEquals("5", text.get("seed"));
        assertEquals("2", text.get("steps"));
        assertEquals("2", text.get("outputs"));
        assertEquals("1", text.get("output"));

        Map<String, String> sheetText = PngFiles.readText(Path.of(o.lines().get(4)));
        assertEquals("a large red circle", sheetText.get("prompt.0"));
        assertEquals("a small blue square", sheetText.get("prompt.1"));
        assertFalse(sheetText.containsKey("prompt"));

        // 64-pixel outputs are drawn twice as large, 2 per row (one row per prompt), 4-pixel gutter.
        BufferedImage sheet = image(o.lines().get(4));
        BufferedImage second = image(o.lines().get(3));
        assertEquals(64, second.getWidth());
        assertEquals(2 * 128 + 3 * 4, sheet.getWidth());
        int strip = (sheet.getHeight() - 3 * 4 - 2 * 128) / 2;
        assertTrue(strip > 0, "caption strips under the images");
        int x0 = 4 + 128 + 4;
        int y0 = 4 + 128 + strip + 4;
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                assertEquals(second.getRGB(x, y), sheet.getRGB(x0 + 2 * x + 1, y0 + 2 * y + 1), "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void oneOutputMakesNoSheet() throws IOException {
        Outcome o = run("generate", "-q", "--out", dir.toString(), "a red circle");

        assertEquals(UnidiffCli.OK, o.code(), o.err());
        assertEquals(1, o.lines().size(), o.lines().toString());
        assertName("a-red-circle-s0-" + TAG + "-0\\.png", o.lines().get(0));
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().startsWith(OutputFolder.SHEET_PREFIX)));
        }
    }

    @Test
    void captionPrintsFileTabCaptionPerImageAndOutput() throws IOException {
        Path a = dir.resolve("a.png");
        Path b = dir.resolve("b.png");
        ImageIO.write(new BufferedImage(50, 30, BufferedImage.TYPE_INT_RGB), "png", a.toFile());
        ImageIO.write(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB), "png", b.toFile());

        Outcome o = run("caption", "-q", "-n", "2", a.toString(), b.toString());

        assertEquals(UnidiffCli.OK, o.code(), o.err());
        assertEquals(4, o.lines().size(), o.lines().toString());
        for (int i = 0; i < 4; i++) {
            String[] parts = o.lines().get(i).split("\t", -1);
            assertEquals(2, parts.length, o.lines().get(i));
            assertEquals((i < 2 ? a : b).toString(), parts[0]);
        }
    }

    @Test
    void jointPrintsAndStoresTheSameCaption() throws IOException {
        Outcome o = run("joint", "-q", "-n", "2", "--out", dir.toString());

        assertEquals(UnidiffCli.OK, o.code(), o.err());
        assertEquals(3, o.lines().size());
        String[] first = o.lines().get(0).split("\t", -1);
        assertEquals(first[1], PngFiles.readText(Path.of(first[0])).get("caption"));
        assertEquals("joint", PngFiles.readText(Path.of(first[0])).get("task"));
    }

    @Test
    void groupWritesTheGeneratedSlotsAndASheetWithTheReference() throws IOException {
        Path ref = dir.resolve("ref.png");
        ImageIO.write(new BufferedImage(80, 64, BufferedImage.TYPE_INT_RGB), "png", ref.toFile());

        Outcome o = run("group", "-q", "-n", "2", "--out", dir.toString(), "-r", ref.toString(), "--renoise",
                "a red circle", "a blue square");

        assertEquals(UnidiffCli.OK, o.code(), o.err());
        assertEquals(3, o.lines().size(), o.lines().toString());
        assertName("group-s0-" + TAG + "-0-slot1\\.png", o.lines().get(0));
        assertName("group-s0-" + TAG + "-1-slot1\\.png", o.lines().get(1));
        assertName(OutputFolder.SHEET_PREFIX + TAG + "\\.png", o.lines().get(2));
        assertEquals("ref.png", PngFiles.readText(Path.of(o.lines().get(1))).get("reference.0"));
        Map<String, String> text = PngFiles.readText(Path.of(o.lines().get(1)));
        assertEquals("group", text.get("task"));
        assertEquals("renoise", text.get("reference_mode"));
        assertEquals("captions-and-references", text.get("group_guidance"));
        assertEquals("a red circle", text.get("prompt.0"));
        assertEquals("1", text.get("output"));
        assertEquals("1", text.get("slot"));
        assertEquals(2 * 128 + 3 * 4, image(o.lines().get(2)).getWidth(), "one column per slot");
    }

    @Test
    void varyAndTheUnconditionalCommandsMakeTheirOutputs() throws IOException {
        Path src = dir.resolve("source.png");
        ImageIO.write(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB), "png", src.toFile());

        Outcome vary = run("vary", "-q", "-n", "2", "--out", dir.toString(), src.toString());
        assertEquals(UnidiffCli.OK, vary.code(), vary.err());
        assertEquals(3, vary.lines().size());
        assertEquals("source.png", PngFiles.readText(Path.of(vary.lines().get(0))).get("source"));
        assertEquals(3 * 128 + 4 * 4, image(vary.lines().get(2)).getWidth(), "source and two variations");

        Outcome images = run("sample-images", "-q", "-n", "3", "--out", dir.toString());
        assertEquals(UnidiffCli.OK, images.code(), images.err());
        assertEquals(4, images.lines().size());

        Outcome texts = run("sample-texts", "-q", "-n", "3");
        assertEquals(UnidiffCli.OK, texts.code(), texts.err());
        assertEquals(3, texts.lines().size());

        Outcome varyText = run("vary-text", "-q", "-n", "2", "a red circle");
        assertEquals(UnidiffCli.OK, varyText.code(), varyText.err());
        assertEquals(2, varyText.lines().size());
    }

    @Test
    void unknownWordsAreAWarningOrWithStrictAnError() {
        // The tiny bundle's vocabulary: a, red, blue, circle, square, small.
        Outcome warned = run("generate", "-q", "--out", dir.toString(), "a red cat");
        assertEquals(UnidiffCli.OK, warned.code(), warned.err());
        assertTrue(warned.err().contains("warning: prompt 'a red cat': the model does not know cat"), warned.err());
        assertEquals(1, warned.lines().size());

        Outcome strict = run("generate", "-q", "--strict", "--out", dir.resolve("strict").toString(), "a red cat");
        assertEquals(UnidiffCli.BAD_REQUEST, strict.code(), strict.err());
        assertTrue(strict.err().contains("prompt 'a red cat': the model does not know cat"), strict.err());
        assertEquals(List.of(), strict.lines());

        Outcome known = run("vary-text", "-q", "--strict", "a red circle");
        assertEquals(UnidiffCli.OK, known.code(), known.err());
        assertFalse(known.err().contains("warning"), known.err());
    }

    @Test
    void cudaWithoutItsProviderSaysSoOnceAndNamesTheFallbackFlag() {
        Outcome o = run("generate", "-q", "--cuda", "--out", dir.toString(), "a red circle");
        assumeTrue(o.code() != UnidiffCli.OK, "CUDA is available here");

        assertEquals(UnidiffCli.FAILED, o.code(), o.err());
        assertTrue(o.err().contains("--cpu-fallback"), o.err());
        assertEquals(o.err().indexOf("cannot be loaded"), o.err().lastIndexOf("cannot be loaded"), o.err());
        assertFalse(o.err().contains("caused by"), "ONNX Runtime's words once: " + o.err());
    }

    @Test
    void interpolateWritesFramesASheetAndALoopingGif() throws IOException {
        Path a = dir.resolve("a.png");
        Path b = dir.resolve("b.png");
        ImageIO.write(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB), "png", a.toFile());
        BufferedImage white = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        white.getGraphics().fillRect(10, 10, 30, 30);
        ImageIO.write(white, "png", b.toFile());

        Outcome o = run("interpolate", "-q", "--frames", "3", "--refinements", "1", "--out", dir.toString(),
                a.toString(), b.toString());
        assertEquals(UnidiffCli.OK, o.code(), o.err());
        assertEquals(5, o.lines().size(), "3 frames, the sheet, the GIF: " + o.lines());
        Map<String, String> text = PngFiles.readText(Path.of(o.lines().get(0)));
        assertEquals("interpolation", text.get("task"));
        assertEquals("0", text.get("frame"));
        assertEquals("b.png", text.get("last"));
        assertTrue(o.lines().get(3).contains(OutputFolder.SHEET_PREFIX));
        Path gif = Path.of(o.lines().get(4));
        try (javax.imageio.stream.ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            javax.imageio.ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            reader.setInput(in);
            assertEquals(3, reader.getNumImages(true));
            assertEquals(256, reader.read(0).getWidth(), "64 px frames magnified 4 times");
            javax.imageio.metadata.IIOMetadataNode root = (javax.imageio.metadata.IIOMetadataNode)
                    reader.getImageMetadata(0).getAsTree("javax_imageio_gif_image_1.0");
            javax.imageio.metadata.IIOMetadataNode control = (javax.imageio.metadata.IIOMetadataNode)
                    root.getElementsByTagName("GraphicControlExtension").item(0);
            assertEquals("25", control.getAttribute("delayTime"));
            javax.imageio.metadata.IIOMetadataNode app = (javax.imageio.metadata.IIOMetadataNode)
                    root.getElementsByTagName("ApplicationExtension").item(0);
            assertEquals("NETSCAPE", app.getAttribute("applicationID"));
            reader.dispose();
        }
    }

    @Test
    void aPromptTooLongForTheModelIsBadUsage() {
        Outcome o = run("generate", "-q", "--out", dir.toString(), "word ".repeat(40));

        assertEquals(UnidiffCli.BAD_REQUEST, o.code());
        assertTrue(o.err().contains("invalid request: prompt must be at most"), o.err());
    }
}
