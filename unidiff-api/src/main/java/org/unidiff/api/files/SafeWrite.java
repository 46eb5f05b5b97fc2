package org.unidiff.api.files;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file so that readers only ever see it complete, and so that it never replaces a file
 * that exists unless asked: the content goes to a hidden temporary file in the same folder, which
 * then takes the target name in one atomic step.
 *
 * <p>Without overwrite, the name is taken with {@code link(2)}, which fails when the name exists,
 * so two processes writing the same name cannot both succeed (a check-then-rename would let the
 * second silently replace the first). File systems without hard links get the same guarantee by
 * reserving the name with {@code CREATE_NEW} and renaming over the reservation. With overwrite,
 * an atomic rename replaces the old file.
 */
public final class SafeWrite {

    /** Writes the content to the given (temporary) file. */
    @FunctionalInterface
    public interface Content {
        /** Writes everything to {@code file}. */
        void writeTo(Path file) throws IOException;
    }

    private SafeWrite() {
    }

    /**
     * Writes {@code target}.
     *
     * @throws OutputExistsException if the target exists and {@code overwrite} is false
     * @throws IOException           if writing fails; no temporary file is left behind
     */
    public static void write(Path target, boolean overwrite, Content content) throws IOException {
        Path folder = target.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(folder, "." + target.getFileName() + ".", ".part");
        try {
            content.writeTo(temp);
            if (overwrite) {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } else {
                claim(temp, target);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void claim(Path temp, Path target) throws IOException {
        try {
            Files.createLink(target, temp);
            return;
        } catch (FileAlreadyExistsException e) {
            throw new OutputExistsException(target);
        } catch (UnsupportedOperationException | FileSystemException noHardLinks) {
            // Fall through to the reservation below.
        }
        try {
            Files.createFile(target);
        } catch (FileAlreadyExistsException e) {
            throw new OutputExistsException(target);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    }
}
