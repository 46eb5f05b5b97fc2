package org.unidiff.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Whether PNG files can be written into a folder: it exists or can be created, is a directory, and
 * a file can be created in it. Probing with a real file, rather than asking for permissions, also
 * catches read-only mounts, full quotas and the superuser case where permission bits say nothing.
 */
final class OutputFolderCheck {

    private OutputFolderCheck() {
    }

    /** Null when files can be written into {@code folder} (created if missing); else the reason, in words. */
    static String problem(Path folder) {
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            return "is a file, not a folder";
        }
        try {
            Files.createDirectories(folder);
        } catch (FileAlreadyExistsException | NotDirectoryException e) {
            return "cannot be created: " + describe(e) + " is a file, not a folder";
        } catch (IOException e) {
            return "cannot be created (" + reason(e) + ")";
        }
        try {
            Path probe = Files.createTempFile(folder, ".unidiff-write-check-", ".tmp");
            Files.delete(probe);
            return null;
        } catch (IOException e) {
            return "files cannot be created in it (" + reason(e) + ")";
        }
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied" + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        if (e instanceof NoSuchFileException) {
            return "no such folder: " + e.getMessage();
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason() + (fs.getFile() == null ? "" : ": " + fs.getFile());
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String describe(FileSystemException e) {
        return e.getFile() == null ? "a part of the path" : e.getFile();
    }
}
