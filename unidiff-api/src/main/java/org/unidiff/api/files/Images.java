package org.unidiff.api.files;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.unidiff.api.InvalidImageException;
import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.runtime.image.ImageFileException;
import org.unidiff.runtime.image.ImageFiles;

/**
 * Reads input images for requests (an image to caption or vary, references, example pairs) by
 * the same rule as the CLI, the server and the Spark jobs: the size is read from the header
 * first, an image of more than {@value ImageFiles#MAX_PIXELS} pixels is refused before any pixel
 * is decoded, and one whose longer side exceeds {@value ImageFiles#MAX_DECODED_SIDE} is decoded
 * subsampled, so a small file declaring a huge image cannot exhaust the JVM.
 */
public final class Images {

    private Images() {
    }

    /**
     * Reads an image file.
     *
     * @throws InvalidImageException naming the file and what was wrong with it: missing, not an
     *                               image format the JDK reads (a text file named {@code .png}),
     *                               too many pixels, unreadable
     * @throws InvalidRequestException if {@code file} is null
     */
    public static BufferedImage read(Path file) {
        if (file == null) {
            throw new InvalidRequestException("file", "the path of an image file", null);
        }
        try {
            return ImageFiles.read(file);
        } catch (ImageFileException e) {
            throw new InvalidImageException(e.file(), e.name(), e.reason(), e);
        }
    }

    /**
     * Reads an image from its bytes (an upload, a table's binary column).
     *
     * @param name what the bytes are called in errors (a path or URI)
     * @throws InvalidImageException naming {@code name} and what was wrong
     */
    public static BufferedImage read(String name, byte[] bytes) {
        try {
            return ImageFiles.read(name, bytes);
        } catch (ImageFileException e) {
            throw new InvalidImageException(e.file(), e.name(), e.reason(), e);
        }
    }
}
