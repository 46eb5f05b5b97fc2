package org.unidiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and messages of bad usage and failures; none of these runs a model. */
class ExitCodeTest {

    @TempDir
    Path dir;

    private record Outcome(int code, String out, String err) {
    }

    private static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = UnidiffCli.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Outcome(code, out.toString(), err.toString());
    }

    private static void assertUsageError(Outcome o, String expectedMessage) {
        assertEquals(UnidiffCli.BAD_REQUEST, o.code(), o.err());
        assertTrue(o.err().contains(expectedMessage), "expected '" + expectedMessage + "' in: " + o.err());
        assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
        assertEquals("", o.out(), "nothing on standard output");
    }

    @Test
    void helpAndVersionSucceed() {
        Outcome help = run("generate", "--help");
        assertEquals(UnidiffCli.OK, help.code());
        assertTrue(help.out().contains("--guidance=S"), help.out());
        assertEquals(UnidiffCli.OK, run("--version").code());
        assertEquals(UnidiffCli.OK, run("help", "group").code());
    }

    @Test
    void noSubcommandIsBadUsage() {
        assertUsageError(run(), "Missing subcommand: one of generate, caption, vary");
    }

    @Test
    void badInterpolationsAreBadUsage() throws IOException {
        Path a = dir.resolve("a.png");
        ImageIO.write(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB), "png", a.toFile());
        Path junk = dir.resolve("junk.png");
        Files.writeString(junk, "not a picture");
        assertUsageError(run("interpolate", a.toString()), "Missing required parameter: 'LAST'");
        assertUsageError(run("interpolate", a.toString(), junk.toString()),
                "LAST " + junk + ": not an image format this JDK reads");
        assertUsageError(run("interpolate", a.toString(), dir.resolve("none.png").toString()), "no such file");
        assertUsageError(run("interpolate", "--frames", "1", a.toString(), a.toString()),
                "frames must be an integer from 2 to 64 (endpoints included), found 1");
        assertUsageError(run("interpolate", "--frames", "100", a.toString(), a.toString()), "found 100");
    }

    @Test
    void parseErrorsAreBadUsage() {
        assertUsageError(run("generate"), "Missing required parameter: 'PROMPT'");
        assertUsageError(run("generate", "--bogus", "x"), "Unknown option: '--bogus'");
        assertUsageError(run("generate", "--steps", "many", "x"), "Invalid value for option '--steps'");
        assertUsageError(run("paint", "x"), "Unmatched arguments");
    }

    @Test
    void invalidRequestsPrintTheLibraryMessage() {
        // Messages name the flags the user typed, not the library's field names.
        assertUsageError(run("generate", "--steps", "0", "x"),
                "unidiff generate: invalid request: --steps must be an integer from 1 to 1000, found 0");
        assertUsageError(run("generate", "-n", "65", "x"),
                "invalid request: --outputs must be an integer from 1 to 64, found 65");
        assertUsageError(run("generate", "--guidance", "-1", "x"),
                "--guidance must be a number from 0 to 50.0 (0 turns guidance off; useful values are about 1 to 10), "
                        + "got -1.0");
        assertUsageError(run("joint", "--data-type", "-2"),
                "invalid request: --data-type must be a non-negative data_type index, found -2");
        assertUsageError(run("generate", "   "), "invalid request: prompt must be a non-empty prompt, found '   '");
        assertUsageError(run("sample-images", "--sampler", "heun"),
                "invalid request: --sampler must be one of dpm-solver, dpm-solver++, ddim, euler, found 'heun'");
    }

    @Test
    void absurdGuidanceIsRefusedWithItsRange() {
        assertUsageError(run("generate", "--guidance", "1e9", "x"), "--guidance must be a number from 0 to 50.0");
        assertUsageError(run("joint", "--guidance", "NaN"), "--guidance must be a number from 0 to 50.0");
    }

    @Test
    void guidanceIsRefusedWhereItWouldBeIgnored() {
        assertUsageError(run("sample-texts", "--guidance", "3"),
                "--guidance does not apply here: sample-texts draws unconditional texts, without guidance");
        assertUsageError(run("sample-images", "--guidance", "3"),
                "--guidance does not apply here: sample-images draws without guidance unless --via-text is given");
    }

    @Test
    void anImageBombIsRefusedFromItsHeaderBeforeTheModelLoads() throws IOException {
        Path bomb = dir.resolve("bomb.png");
        PngHeaders.write(bomb, 26000, 26000);
        // The file is a header and nothing else: a decoder that went past it would fail with another
        // message, so the pixel-count refusal proves the header alone was read (no timing, which a
        // loaded machine makes flaky).
        for (String[] args : List.of(new String[] {"caption", bomb.toString()}, new String[] {"vary", bomb.toString()},
                new String[] {"group", "-r", bomb.toString(), "x", "y"})) {
            Outcome o = run(args);
            assertUsageError(o, "bomb.png: 26000 x 26000 pixels (676000000) is more than the 134217728 accepted");
        }
    }

    @Test
    void badOutputFoldersAreRefusedBeforeTheModelLoads() throws IOException {
        // The bundle is broken: a run that got as far as loading it would fail with another message.
        Path bundle = Files.createDirectories(dir.resolve("broken"));
        Files.writeString(bundle.resolve("unidiff.json"), "{\"format\": \"something-else\"}");
        Path file = Files.writeString(dir.resolve("a-file"), "x");

        assertUsageError(run("generate", "--bundle", bundle.toString(), "--out", file.toString(), "x"),
                "--out " + file + ": is a file, not a folder");
        assertUsageError(run("joint", "--bundle", bundle.toString(), "--out", file.resolve("sub").toString()),
                "--out " + file.resolve("sub") + ": cannot be created");
        if (!"root".equals(System.getProperty("user.name"))) {
            Path locked = Files.createDirectories(dir.resolve("locked"));
            assertTrue(locked.toFile().setWritable(false, false));
            try {
                assertUsageError(run("sample-images", "--bundle", bundle.toString(), "--out", locked.toString()),
                        "--out " + locked + ": files cannot be created in it (permission denied");
            } finally {
                locked.toFile().setWritable(true, false);
            }
        }
    }

    @Test
    void badInputFilesAreBadUsage() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.png"), "hello");
        assertUsageError(run("caption", dir.resolve("missing.png").toString()), "missing.png: no such file");
        assertUsageError(run("vary", text.toString()), "notes.png: not an image format");
        Path ref = dir.resolve("ref.png");
        ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", ref.toFile());
        assertUsageError(run("group", "-r", ref.toString(), "-r", ref.toString(), "one caption"),
                "2 --reference images for 1 captions");
        assertUsageError(run("group", "-r", ref.toString(), "only a reference"),
                "invalid request: slots must be at least one slot to generate");
    }

    @Test
    void contradictoryModelFlagsAreBadUsage() {
        assertUsageError(run("generate", "--device", "1", "x"), "--device must be used with --cuda");
        assertUsageError(run("generate", "--cpu-fallback", "x"), "--cpu-fallback must be used with --cuda");
        assertUsageError(run("generate", "--threads", "0", "x"), "--threads must be at least 1, found 0");
        assertUsageError(run("generate", "--bundle", dir.resolve("nowhere").toString(), "x"),
                "which does not exist");
        assertUsageError(run("generate", "--bundle", dir.toString(), "x"), "which holds no unidiff.json");
        assertUsageError(run("generate", "--variant", " ", "x"), "--variant must be a variant name");
    }

    @Test
    void anUndeclaredVariantIsAFailureNamingTheDeclaredOnes() {
        Outcome o = run("generate", "--variant", "fp16", "-q", "x");
        assertEquals(UnidiffCli.FAILED, o.code(), o.err());
        assertTrue(o.err().contains("variant") && o.err().contains("[int8]") && o.err().contains("fp16"), o.err());
    }

    @Test
    void aBrokenBundleIsAFailureWithAClearMessage() throws IOException {
        Path bundle = Files.createDirectories(dir.resolve("broken"));
        Files.writeString(bundle.resolve("unidiff.json"), "{\"format\": \"something-else\"}");

        Outcome o = run("generate", "--bundle", bundle.toString(), "-q", "x");

        assertEquals(UnidiffCli.FAILED, o.code(), o.err());
        assertTrue(o.err().startsWith("unidiff generate: error: "), o.err());
        assertTrue(o.err().contains("--verbose"), o.err());
        assertFalse(o.err().contains("\tat "), o.err());

        Outcome verbose = run("generate", "--bundle", bundle.toString(), "-q", "--verbose", "x");
        assertEquals(UnidiffCli.FAILED, verbose.code());
        assertTrue(verbose.err().contains("\tat "), "--verbose prints the stack trace: " + verbose.err());
    }

    @Test
    void describeKeepsTheRootCause() {
        Exception e = new IllegalStateException("cannot open bundle", new java.io.IOException("disk full"));
        assertEquals("cannot open bundle (caused by: disk full)", UnidiffCli.describe(e));
        assertEquals("NullPointerException", UnidiffCli.describe(new NullPointerException()));
    }
}
