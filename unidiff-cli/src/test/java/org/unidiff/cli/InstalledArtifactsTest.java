package org.unidiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A library user's view: a throwaway Maven project outside the checkout, depending only on the
 * installed {@code unidiff-api} artifact, opens the default model with
 * {@code Unidiff.open(UnidiffOptions.defaults())} and draws an image. Nothing of the checkout is
 * visible to it: it runs in a temporary folder with no bundle property or variable, so the model
 * can only come from the {@code unidiff-default-model} jar.
 *
 * <p>Needs this checkout's artifacts installed ({@code mvn install}, which {@code scripts/test-all.sh}
 * runs; upstream modules are installed before this module's tests run). Skipped, saying so, when
 * they are not installed, when the installed jars are not this checkout's build (a local
 * repository shared with another checkout), or when Maven is not on the PATH.
 */
class InstalledArtifactsTest {

    private static final String DEMO = """
            package demo;

            import org.unidiff.api.ImageResult;
            import org.unidiff.api.core.SamplingOptions;
            import org.unidiff.api.TextToImageRequest;
            import org.unidiff.api.Unidiff;
            import org.unidiff.api.core.UnidiffOptions;

            public class OpenDefault {
                public static void main(String[] args) {
                    try (Unidiff unidiff = Unidiff.open(UnidiffOptions.defaults())) {
                        ImageResult r = unidiff.textToImage(new TextToImageRequest("a red circle",
                                SamplingOptions.defaults().withSteps(2)));
                        System.out.println("model " + unidiff.manifest().name() + " image "
                                + r.image().getWidth() + "x" + r.image().getHeight());
                    }
                }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void aProjectOutsideTheCheckoutOpensTheDefaultModelFromTheInstalledArtifacts() throws Exception {
        String[] installed = assumeInstalled();
        String version = installed[0];
        String repo = installed[1];
        String mvn = installed[2];

        Path project = Files.createDirectories(dir.resolve("user-project"));
        Files.writeString(project.resolve("pom.xml"), pom(version));
        Path source = Files.createDirectories(project.resolve("src/main/java/demo")).resolve("OpenDefault.java");
        Files.writeString(source, DEMO);

        run(project, Map.of(), 240, mvn, "-B", "-o", "-q", "-Dmaven.repo.local=" + repo, "compile",
                "dependency:build-classpath", "-Dmdep.outputFile=cp.txt");
        String classpath = project.resolve("target/classes") + File.pathSeparator
                + Files.readString(project.resolve("cp.txt")).strip();
        Path cache = dir.resolve("cache");
        String out = run(project, Map.of("XDG_CACHE_HOME", cache.toString()), 120,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Djava.awt.headless=true",
                "-cp", classpath, "demo.OpenDefault");

        assertTrue(out.contains("model unidiff-shapes-default image 64x64"), out);
        try (Stream<Path> copies = Files.list(cache.resolve("unidiff"))) {
            assertEquals(1, copies.filter(p -> p.getFileName().toString().startsWith("bundle-")).count(),
                    "the model was copied out of the jar once, into the user's cache");
        }
    }

    @Test
    void theLibraryModulesInstallTheirSourcesAndJavadoc() throws Exception {
        String[] installed = assumeInstalled();
        Map<String, String> mainType = Map.of("unidiff-api", "org/unidiff/api/Unidiff",
                "unidiff-runtime", "org/unidiff/runtime/Bundle", "unidiff-sampling", "org/unidiff/sampling/plan/TaskPlan");
        for (Map.Entry<String, String> e : mainType.entrySet()) {
            Path folder = Path.of(installed[1], "org", "unidiff", e.getKey(), installed[0]);
            String base = e.getKey() + "-" + installed[0];
            try (java.util.zip.ZipFile sources = new java.util.zip.ZipFile(folder.resolve(base + "-sources.jar").toFile());
                 java.util.zip.ZipFile javadoc = new java.util.zip.ZipFile(folder.resolve(base + "-javadoc.jar").toFile())) {
                assertTrue(sources.getEntry(e.getValue() + ".java") != null, e.getKey() + " sources lack " + e.getValue());
                // The Javadoc tool lays out automatic modules' pages under the module's name.
                String page = e.getValue() + ".html";
                assertTrue(javadoc.stream().anyMatch(z -> z.getName().equals(page) || z.getName().endsWith("/" + page)
                        && !z.getName().contains("class-use")), e.getKey() + " javadoc lacks " + page);
                assertTrue(javadoc.getEntry("index.html") != null, e.getKey() + " javadoc has no index");
            }
        }
    }

    /**
     * This checkout's version, the local repository and Maven, assuming (as a test assumption
     * that says why) that the artifacts are installed and are this checkout's build.
     */
    static String[] assumeInstalled() throws IOException {
        String version = System.getProperty("unidiff.version");
        String repo = System.getProperty("unidiff.local.repo");
        assumeTrue(version != null && repo != null, "run by Maven (surefire passes the version and local repository)");
        for (String artifact : List.of("unidiff-api", "unidiff-runtime", "unidiff-sampling", "unidiff-default-model")) {
            Path jar = Path.of(repo, "org", "unidiff", artifact, version, artifact + "-" + version + ".jar");
            assumeTrue(Files.isRegularFile(jar), artifact + " " + version + " is not installed in " + repo
                    + " (run mvn install, as scripts/test-all.sh does)");
            // The local repository may be shared with other checkouts: test only our own build.
            Path built = Path.of("..", artifact, "target", artifact + "-" + version + ".jar");
            assumeTrue(Files.isRegularFile(built) && Files.mismatch(jar, built) == -1, "the installed " + artifact
                    + " is not this checkout's build (" + built + "); another checkout may have installed over it");
        }
        String mvn = findOnPath("mvn");
        assumeTrue(mvn != null, "Maven (mvn) is not on the PATH");
        return new String[] {version, repo, mvn};
    }

    private static String pom(String version) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>demo</groupId>
                  <artifactId>user-project</artifactId>
                  <version>1</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <dependencies>
                    <dependency>
                      <groupId>org.unidiff</groupId>
                      <artifactId>unidiff-api</artifactId>
                      <version>%s</version>
                    </dependency>
                  </dependencies>
                  <build>
                    <plugins>
                      <plugin>
                        <artifactId>maven-resources-plugin</artifactId>
                        <version>3.3.1</version>
                      </plugin>
                      <plugin>
                        <artifactId>maven-compiler-plugin</artifactId>
                        <version>3.13.0</version>
                      </plugin>
                      <plugin>
                        <artifactId>maven-dependency-plugin</artifactId>
                        <version>3.8.1</version>
                      </plugin>
                    </plugins>
                  </build>
                </project>
                """.formatted(version);
    }

    /** Runs a command in {@code dir} as a user would (see {@link UserProcess}); it must exit 0. */
    private static String run(Path dir, Map<String, String> env, int seconds, String... command)
            throws IOException, InterruptedException {
        UserProcess.Result r = UserProcess.run(dir, dir, env, seconds, command);
        String out = r.out() + r.err();
        assertEquals(0, r.exit(), String.join(" ", command) + "\n" + out);
        return out;
    }

    private static String findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String entry : path.split(File.pathSeparator)) {
            Path candidate = Path.of(entry, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
