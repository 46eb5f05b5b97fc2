package org.unidiff.runtime.ort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A JVM that used ONNX Runtime leaves no {@code onnxruntime-java*} folder in its temp directory. */
class OrtTempFolderTest {

    @TempDir
    Path tmp;

    /** The child JVM: creates the environment (which loads and extracts the native libraries) and exits. */
    public static void main(String[] args) {
        OrtRuntime.environment(CpuThreads.runtimeDefault());
        System.exit(0);
    }

    @Test
    void theNativeLibraryFolderIsRemovedAtExit() throws IOException, InterruptedException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-cp", classpath, OrtTempFolderTest.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("child.log").toFile())
                .start();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child JVM did not exit in 60 s");
        assertEquals(0, child.exitValue(), Files.readString(tmp.resolve("child.log")));
        try (Stream<Path> left = Files.list(tmp)) {
            List<String> names = left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("onnxruntime"))
                    .toList();
            assertEquals(List.of(), names, "left in the temp directory");
        }
    }
}
