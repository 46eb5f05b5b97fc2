package org.unidiff.api.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeWriteTest {

    @TempDir
    Path dir;

    @Test
    void anExistingFileIsKeptUnlessOverwriting() throws IOException {
        Path target = dir.resolve("a.png");
        SafeWrite.write(target, false, f -> Files.writeString(f, "first"));

        assertThrows(OutputExistsException.class,
                () -> SafeWrite.write(target, false, f -> Files.writeString(f, "second")));
        assertEquals("first", Files.readString(target));

        SafeWrite.write(target, true, f -> Files.writeString(f, "third"));
        assertEquals("third", Files.readString(target));
        assertEquals(1, count());
    }

    @Test
    void aFailedWriteLeavesNeitherTargetNorTemporaryFile() throws IOException {
        Path target = dir.resolve("b.png");
        assertThrows(IOException.class, () -> SafeWrite.write(target, false, f -> {
            Files.writeString(f, "half");
            throw new IOException("disk full");
        }));
        assertFalse(Files.exists(target));
        assertEquals(0, count());
    }

    private long count() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }
}
