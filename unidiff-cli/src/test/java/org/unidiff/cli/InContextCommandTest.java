package org.unidiff.cli;

import org.unidiff.api.files.PngFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code unidiff in-context} on the random tiny in-context bundle: files, sheet, folder naming, bad input. */
class InContextCommandTest {

    private static final Path TINY = Path.of("..", "unidiff-api", "src", "test", "resources",
            "random-tiny-incontext");

    @TempDir
    Path dir;

    @BeforeAll
    static void needsTheBundle() {
        assumeTrue(Files.isRegularFile(TINY.resolve("unidiff.json")), "tiny in-context bundle not found at " + TINY);
    }

    private record Outcome(int code, List<String> lines, String err) {
    }

    private static Outcome run(String... args) {
        List<String> all = new ArrayList<>(List.of("in-context", "--bundle", TINY.toString(), "--steps", "2", "-q"));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = UnidiffCli.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Outcome(code, out.toString().lines().toList(), err.toString());
    }

    private Path png(String name, int shade) throws IOException {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                img.setRGB(x, y, ((x * 4 + shade) & 0xFF) << 16 | ((y * 4) & 0xFF) << 8 | shade);
            }
        }
        Path p = dir.resolve(name);
        ImageIO.write(img, "png", p.toFile());
        return p;
    }

    @Test
    void pairsAndQueryGiveAnswersAndASheetOfEverything() throws IOException {
        Path out = dir.resolve("out");
        Outcome o = run("--pair", png("a.png", 10).toString(), png("b.png", 20).toString(),
                "--pair", png("c.png", 30).toString(), png("d.png", 40).toString(),
                "--query", png("q.png", 50).toString(), "-n", "2", "--seed", "3", "--out", out.toString());
        assertEquals(UnidiffCli.OK, o.code(), o.err());
        assertEquals(3, o.lines().size(), o.lines().toString());
        Map<String, String> text = PngFiles.readText(Path.of(o.lines().get(1)));
        assertEquals("in-context", text.get("task"));
        assertEquals("random-tiny-incontext", text.get("model"));
        assertEquals("q.png", text.get("query"));
        BufferedImage sheet = ImageIO.read(Path.of(o.lines().get(2)).toFile());
        // 2 pairs (4 cells), the query, 2 answers: 7 cells of 128 px in one row with 4 px gutters.
        assertEquals(7 * 128 + 8 * 4, sheet.getWidth());
    }

    @Test
    void anExamplesFolderInLavinNamingIsDrawnFromReproducibly() throws IOException {
        Path examples = Files.createDirectory(dir.resolve("recolor"));
        for (int i = 0; i < 3; i++) {
            Files.move(png("x" + i + "_input.png", 10 * i), examples.resolve("x" + i + "_input.png"));
            Files.move(png("x" + i + "_target.png", 10 * i + 5), examples.resolve("x" + i + "_target.png"));
        }
        Path q = png("q.png", 50);
        Outcome a = run("--examples", examples.toString(), "-k", "2", "--query", q.toString(), "--out",
                dir.resolve("a").toString());
        Outcome b = run("--examples", examples.toString(), "-k", "2", "--query", q.toString(), "--out",
                dir.resolve("b").toString());
        assertEquals(UnidiffCli.OK, a.code(), a.err());
        assertEquals(Files.readAllBytes(Path.of(a.lines().get(0))).length,
                Files.readAllBytes(Path.of(b.lines().get(0))).length);
        assertEquals(java.util.Arrays.toString(Files.readAllBytes(Path.of(a.lines().get(0)))),
                java.util.Arrays.toString(Files.readAllBytes(Path.of(b.lines().get(0)))), "same seed, same draw");

        Files.move(png("lone_input.png", 1), examples.resolve("lone_input.png"));
        Outcome lone = run("--examples", examples.toString(), "--query", q.toString(), "--out", dir.toString());
        assertEquals(UnidiffCli.BAD_REQUEST, lone.code());
        assertTrue(lone.err().contains("'lone' has an _input.png but no _target.png"), lone.err());
    }

    @Test
    void badInputIsRefusedBeforeTheModelRuns() throws IOException {
        Path q = png("q.png", 50);
        Outcome none = run("--query", q.toString(), "--out", dir.toString());
        assertEquals(UnidiffCli.BAD_REQUEST, none.code());
        assertTrue(none.err().contains("no examples"), none.err());

        Path broken = dir.resolve("broken.png");
        Files.writeString(broken, "not a png");
        Outcome unreadable = run("--pair", broken.toString(), q.toString(), "--query", q.toString(), "--out",
                dir.toString());
        assertEquals(UnidiffCli.BAD_REQUEST, unreadable.code());
        assertTrue(unreadable.err().contains("pair 1 input") && unreadable.err().contains("broken.png"),
                unreadable.err());

        List<String> many = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            many.addAll(List.of("--pair", q.toString(), q.toString()));
        }
        many.addAll(List.of("--query", q.toString(), "--out", dir.toString()));
        Outcome tooMany = run(many.toArray(String[]::new));
        assertEquals(UnidiffCli.BAD_REQUEST, tooMany.code());
        assertTrue(tooMany.err().contains("at most 4 pairs"), tooMany.err());
    }

    @Test
    void captioningOnAnInContextBundleNamesTheServedTasks() throws IOException {
        StringWriter err = new StringWriter();
        int code = UnidiffCli.run(new String[] {"caption", "--bundle", TINY.toString(), "-q",
                png("q.png", 50).toString()}, new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(UnidiffCli.BAD_REQUEST, code);
        assertTrue(err.toString().contains("[in-context]") && err.toString().contains("image-to-text"), err.toString());
    }

    @Test
    void withoutBundleFlagTheCheckoutsInContextBundleIsOpened() throws IOException {
        // The tests run in examples/, whose parent is the checkout holding models/incontext/bundle; the
        // default (UniDiffuser) bundle would refuse the task, naming the tasks it serves.
        assumeTrue(System.getProperty("unidiff.bundle") == null && System.getenv("UNIDIFF_BUNDLE") == null,
                "a default bundle is configured");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path q = png("q.png", 90);
        int code = UnidiffCli.run(new String[] {"in-context", "--pair", png("a.png", 10).toString(),
            png("b.png", 200).toString(), "--query", q.toString(), "--steps", "1", "-q",
            "-o", dir.resolve("out").toString()}, new PrintWriter(out), new PrintWriter(err));
        assertEquals(UnidiffCli.OK, code, err.toString());
        assertTrue(out.toString().lines().anyMatch(l -> l.contains("contact-sheet")), out.toString());
    }
}
