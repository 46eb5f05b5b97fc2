package org.unidiff.api.tasks;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.unidiff.api.InvalidImageException;
import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.files.Images;

/**
 * Image fields given as file paths (a command line, a Spark table of paths), read by the library's
 * one rule for files ({@link Images#read(Path)}: the header's size checked before decoding, a
 * large image read subsampled), relative paths against a base folder.
 */
public final class FileImages implements ImageDecoder {

    private final Path base;

    /** @param base folder relative paths are read against */
    public FileImages(Path base) {
        this.base = base;
    }

    @Override
    public BufferedImage decode(String field, String text, long maxPixels) {
        Path file;
        try {
            file = base.resolve(text);
        } catch (java.nio.file.InvalidPathException e) {
            throw InvalidRequestException.described(field, "the path of an image file", "'" + text + "' ("
                    + e.getReason() + ")");
        }
        return checked(field, file.toString(), maxPixels, () -> Images.read(file));
    }

    /**
     * An image read by one of the library's readers ({@code Images.read} of a file or of bytes),
     * refused by field name when unreadable or larger than {@code maxPixels}: the one rule for
     * image fields given as files, whatever file system holds them.
     *
     * @param source the file, for the message
     * @throws InvalidRequestException naming {@code field}
     */
    public static BufferedImage checked(String field, String source, long maxPixels,
                                        java.util.function.Supplier<BufferedImage> read) {
        BufferedImage image;
        try {
            image = read.get();
        } catch (InvalidImageException e) {
            throw InvalidRequestException.described(field, "a readable image file", e.getMessage());
        }
        if ((long) image.getWidth() * image.getHeight() > maxPixels) {
            throw InvalidRequestException.described(field, "an image of at most " + maxPixels + " pixels",
                    image.getWidth() + "x" + image.getHeight() + " in " + source);
        }
        return image;
    }
}
