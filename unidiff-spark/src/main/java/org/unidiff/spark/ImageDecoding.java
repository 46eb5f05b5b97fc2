package org.unidiff.spark;

import java.awt.image.BufferedImage;
import java.io.IOException;
import org.unidiff.runtime.image.ImageFileException;
import org.unidiff.runtime.image.ImageFiles;

/**
 * Decodes the bytes of an image file by the library's one rule ({@link ImageFiles#read(String, byte[])}):
 * the size is read from the header first, more than {@link ImageFiles#MAX_PIXELS} pixels is
 * refused, larger than {@link ImageFiles#MAX_DECODED_SIDE} on a side is decoded subsampled. So an
 * image bomb (a small file declaring a huge image) costs an error row, never an executor's memory.
 */
final class ImageDecoding {

    private ImageDecoding() {
    }

    /**
     * The decoded image.
     *
     * @throws IOException "unreadable image PATH: why" (empty, not an image, too many pixels, corrupt)
     */
    static BufferedImage decode(String path, byte[] content) throws IOException {
        try {
            return ImageFiles.read(path, content);
        } catch (ImageFileException e) {
            throw new IOException("unreadable image " + path + ": " + e.reason(), e);
        }
    }
}
