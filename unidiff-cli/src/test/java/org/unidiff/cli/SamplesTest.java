package org.unidiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unidiff.api.Unidiff;
import org.unidiff.api.core.UnidiffOptions;
import org.unidiff.api.files.PngFiles;

/**
 * The example programs of {@code samples/} as a user meets them: the folder is copied out of the
 * checkout, built by Maven against the installed artifacts only, and each program is run in its
 * own JVM. Each must do its job, print no warning on standard error, and be the code the
 * README's "Use from Java" section shows.
 *
 * <p>Needs the installed artifacts; see {@link InstalledArtifactsTest#assumeInstalled()}.
 */
class SamplesTest {

    private static final Path SAMPLES = Path.of("..", "samples");
    private static final List<String> PROGRAMS = List.of("TextToImageBatch", "CaptionImage", "VaryImage",
            "InContextFromFolder");

    @TempDir
    Path dir;

    @Test
    void theReadmeShowsEachSampleProgramWhole() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (String program : PROGRAMS) {
            String code = Files.readString(SAMPLES.resolve("src/main/java/samples/" + program + ".java"));
            assertTrue(readme.contains("```java\n" + code + "```"), "README.md does not show samples/src/main/java/"
                    + "samples/" + program + ".java as it is");
        }
    }

    @Test
    void everySampleProgramBuildsAgainstTheInstalledArtifactsAndRunsWithoutWarnings() throws Exception {
        String[] installed = InstalledArtifactsTest.assumeInstalled();
        Path project = dir.resolve("samples");
        copy(SAMPLES, project);
        UserProcess.Result build = run(project, 240, installed[2], "-B", "-o", "-q",
                "-Dmaven.repo.local=" + installed[1], "-Dunidiff.version=" + installed[0], "compile",
                "dependency:build-classpath", "-Dmdep.outputFile=cp.txt");
        assertEquals(0, build.exit(), build.out() + build.err());
        String classpath = project.resolve("target/classes") + File.pathSeparator
                + Files.readString(project.resolve("cp.txt")).strip();

        UserProcess.Result batch = java(project, classpath, "TextToImageBatch", "out");
        List<String> images = batch.out().lines().toList();
        assertEquals(List.of("out/image-0.png", "out/image-1.png", "out/image-2.png"), images, batch.err());
        Path first = project.resolve(images.get(0));
        Map<String, String> text = PngFiles.readText(first);
        assertEquals("a large red circle in the center on a black background", text.get("prompt"));
        assertEquals("1", text.get("seed"));
        byte[] before = Files.readAllBytes(first);
        UserProcess.Result again = java(project, classpath, "TextToImageBatch", true, "out");
        assertNotEquals(0, again.exit(), "a second run must refuse to replace the first run's files");
        assertTrue(again.err().contains("OutputExistsException"), again.err());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(first)), "the first image is untouched");

        UserProcess.Result caption = java(project, classpath, "CaptionImage", first.toString());
        String said = caption.out().strip();
        assertTrue(!said.isEmpty() && said.lines().count() == 1, "one caption line: " + caption.out());
        try (Unidiff unidiff = Unidiff.open(UnidiffOptions.defaults())) {
            assertEquals(List.of(), unidiff.unknownWords(said), "the caption is in the model's vocabulary: " + said);
        }

        UserProcess.Result vary = java(project, classpath, "VaryImage", first.toString(), "varied");
        assertEquals(4, vary.out().lines().count(), vary.out());
        assertEquals("image-variation", PngFiles.readText(project.resolve("varied/variation-3.png")).get("task"));

        Path repo = Path.of("..").toAbsolutePath().normalize();
        Path examples = repo.resolve("models/incontext/examples/mask");
        UserProcess.Result inContext = java(project, classpath, "InContextFromFolder",
                repo.resolve("models/incontext/bundle").toString(), examples.toString(),
                examples.resolve("pair1_input.png").toString(), "answer.png");
        assertEquals("answer.png", inContext.out().strip());
        assertEquals("in-context", PngFiles.readText(project.resolve("answer.png")).get("task"));
    }

    private UserProcess.Result java(Path project, String classpath, String program, String... args) throws Exception {
        return java(project, classpath, program, false, args);
    }

    /** Runs {@code samples.program}; unless it may fail, it must exit 0 with no warning on stderr. */
    private UserProcess.Result java(Path project, String classpath, String program, boolean mayFail, String... args)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Djava.awt.headless=true", "-cp", classpath, "samples." + program));
        command.addAll(List.of(args));
        UserProcess.Result r = run(project, 180, command.toArray(String[]::new));
        if (!mayFail) {
            assertEquals(0, r.exit(), program + " failed:\n" + r.out() + r.err());
            for (String line : r.err().lines().toList()) {
                assertTrue(!line.contains("WARN") && !line.startsWith("SLF4J") && !line.contains("Exception"),
                        program + " wrote a warning on standard error: " + line);
            }
        }
        return r;
    }

    /** Runs a command as a user would, with a cache of its own. */
    private UserProcess.Result run(Path cwd, int seconds, String... command) throws IOException, InterruptedException {
        return UserProcess.run(cwd, dir, Map.of("XDG_CACHE_HOME", dir.resolve("cache").toString()), seconds, command);
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.filter(p -> !p.toString().contains(File.separator + "target")).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
