package org.unidiff.runtime.ort;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the {@code onnxruntime-java*} folder that ONNX Runtime's Java binding extracts its
 * native libraries into, when the JVM exits.
 *
 * <p>Why this is needed: the binding (1.20) marks the folder and the library files in it for
 * {@code deleteOnExit}, but the JDK deletes those in reverse order of marking, so the folder is
 * tried first, while still holding the files, and stays behind, empty, after every run. The
 * folder is kept until exit rather than removed now because the binding extracts execution
 * provider libraries (CUDA) into it later, on demand. The binding keeps the folder in a private
 * field; if a future version renames it, nothing is removed and a debug line says so.
 */
final class OrtTempFolder {

    private static final Logger LOG = LoggerFactory.getLogger(OrtTempFolder.class);

    private OrtTempFolder() {
    }

    /** Registers the removal once the binding is loaded (call after the environment exists). */
    static void removeAtExit() {
        Path folder = extractedFolder();
        if (folder == null) {
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> remove(folder), "unidiff-ort-temp-cleanup"));
    }

    private static Path extractedFolder() {
        try {
            Class<?> loader = Class.forName("ai.onnxruntime.OnnxRuntime");
            Field field = loader.getDeclaredField("tempDirectory");
            field.setAccessible(true);
            Object value = field.get(null);
            return value instanceof Path path ? path : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("cannot find ONNX Runtime's native library folder; it may stay in the temp directory", e);
            return null;
        }
    }

    /** Deletes the (flat) folder: the libraries are loaded already, so their files can go. */
    static void remove(Path folder) {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(folder);
        } catch (IOException e) {
            LOG.debug("cannot remove {}", folder, e);
        }
    }
}
