package org.unidiff.cli;

import org.unidiff.api.files.PngFiles;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No run loses another run's files: names carry the parameters, writes never clobber, concurrency is safe. */
class OutputSafetyTest {

    private static final Path TINY = Path.of("..", "unidiff-api", "src", "test", "resources", "random-tiny-bundle");
    private static final String BLACK = "a large red circle in the center of the picture on a black background";
    private static final String WHITE = "a large red circle in the center of the picture on a white background";

    @TempDir
    Path dir;

    @BeforeAll
    static void needsTheTinyBundle() {
        assumeTrue(Files.isRegularFile(TINY.resolve("unidiff.json")), "tiny bundle not found at " + TINY);
    }

    private record Outcome(int code, List<String> lines, String err) {
    }

    private Outcome generate(String... args) {
        List<String> all = new ArrayList<>(List.of("generate", "--bundle", TINY.toString(), "--steps", "2", "-q",
                "--out", dir.toString()));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = UnidiffCli.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Outcome(code, out.toString().lines().toList(), err.toString());
    }

    private List<Path> pngs() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".png")).sorted().toList();
        }
    }

    @Test
    void promptsThatDifferOnlyAtTheEndKeepBothFiles() throws IOException {
        assertEquals(OutputFolder.slug(BLACK), OutputFolder.slug(WHITE), "same readable part of the name");

        Outcome black = generate(BLACK);
        Outcome white = generate(WHITE);

        assertEquals(UnidiffCli.OK, black.code(), black.err());
        assertEquals(UnidiffCli.OK, white.code(), white.err());
        assertNotEquals(black.lines(), white.lines());
        assertEquals(2, pngs().size(), pngs().toString());
        assertEquals(BLACK, PngFiles.readText(Path.of(black.lines().get(0))).get("prompt"));
        assertEquals(WHITE, PngFiles.readText(Path.of(white.lines().get(0))).get("prompt"));
    }

    @Test
    void runsThatDifferOnlyInGuidanceOrSamplerKeepAllFilesAndSheets() throws IOException {
        Outcome a = generate("-n", "2", "--guidance", "2", "a red circle");
        Outcome b = generate("-n", "2", "--guidance", "3", "a red circle");
        Outcome c = generate("-n", "2", "--guidance", "3", "--sampler", "ddim", "a red circle");

        for (Outcome o : List.of(a, b, c)) {
            assertEquals(UnidiffCli.OK, o.code(), o.err());
            assertEquals(3, o.lines().size(), "two images and a contact sheet: " + o.lines());
        }
        assertEquals(9, pngs().size(), "nothing replaced: " + pngs());
        assertEquals("2.0", PngFiles.readText(Path.of(a.lines().get(2))).get("guidance_scale"), "a's sheet is a's");
    }

    @Test
    void aRerunIsRefusedUnlessOverwriteAndTheFileIsKept() throws IOException {
        Outcome first = generate("a red circle");
        Path file = Path.of(first.lines().get(0));
        byte[] before = Files.readAllBytes(file);

        Outcome again = generate("a red circle");

        assertEquals(UnidiffCli.FAILED, again.code());
        assertTrue(again.err().contains(file + " exists already") && again.err().contains("--overwrite"), again.err());
        assertEquals(List.of(), again.lines(), "no path printed for a file not written");
        assertArrayEquals(before, Files.readAllBytes(file));

        Outcome overwritten = generate("--overwrite", "a red circle");
        assertEquals(UnidiffCli.OK, overwritten.code(), overwritten.err());
        assertEquals(first.lines(), overwritten.lines());
        assertEquals(1, pngs().size());
        assertNoPartialFiles();
    }

    @Test
    void variationsOfTwoSourcesWithTheSameNameKeepAllFiles() throws IOException {
        Path a = Files.createDirectories(dir.resolve("a")).resolve("photo.png");
        Path b = Files.createDirectories(dir.resolve("b")).resolve("photo.png");
        ImageIO.write(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB), "png", a.toFile());
        ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), "png", b.toFile());
        for (Path source : List.of(a, b)) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = UnidiffCli.run(new String[] {"vary", "--bundle", TINY.toString(), "--steps", "2", "-q", "-n", "2",
                "--out", dir.toString(), source.toString()}, new PrintWriter(out), new PrintWriter(err));
            assertEquals(UnidiffCli.OK, code, err.toString());
        }
        assertEquals(6, pngs().size(), "two variations and a sheet per source: " + pngs());
    }

    @Test
    void concurrentRunsIntoOneFolderLoseNothing() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Outcome>> runs = List.of(
                    () -> generate("-n", "2", "--seed", "1", "a red circle"),
                    () -> generate("-n", "2", "--seed", "2", "a red circle"),
                    () -> generate("-n", "2", "--seed", "1", "a blue square"),
                    () -> generate("-n", "2", "--seed", "1", "--guidance", "5", "a red circle"));
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> f : pool.invokeAll(runs, 120, TimeUnit.SECONDS)) {
                outcomes.add(f.get());
            }
            List<String> printed = new ArrayList<>();
            for (Outcome o : outcomes) {
                assertEquals(UnidiffCli.OK, o.code(), o.err());
                printed.addAll(o.lines());
            }
            assertEquals(12, printed.size(), printed.toString());
            assertEquals(12, printed.stream().distinct().count(), "every path is another file: " + printed);
            assertEquals(12, pngs().size());
            for (String path : printed) {
                BufferedImage image = ImageIO.read(Path.of(path).toFile());
                assertTrue(image != null && image.getWidth() > 0, path + " is a complete PNG");
            }
        } finally {
            pool.shutdownNow();
        }
        assertNoPartialFiles();
    }

    @Test
    void twoConcurrentIdenticalRunsCannotBothWriteTheSameFile() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Callable<Outcome> same = () -> generate("--seed", "9", "a red circle");
            List<Future<Outcome>> futures = pool.invokeAll(List.of(same, same), 120, TimeUnit.SECONDS);
            int ok = 0;
            for (Future<Outcome> f : futures) {
                Outcome o = f.get();
                if (o.code() == UnidiffCli.OK) {
                    ok++;
                } else {
                    assertTrue(o.err().contains("exists already"), o.err());
                }
            }
            assertEquals(1, ok, "exactly one run wrote the file, the other was refused");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, pngs().size());
        assertNoPartialFiles();
    }

    private void assertNoPartialFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> partial = files.filter(f -> f.getFileName().toString().startsWith(".")).toList();
            assertEquals(List.of(), partial, "temporary files left");
        }
    }
}
