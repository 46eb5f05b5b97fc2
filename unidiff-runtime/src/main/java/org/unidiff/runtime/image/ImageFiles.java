package org.unidiff.runtime.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.function.BiFunction;
import java.util.function.Function;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads input images (files given to caption, vary, group references, ...) with bounded time and
 * memory, so that a small file declaring a huge image (an "image bomb") cannot exhaust the JVM.
 *
 * <p>The size is read from the file's header before any pixel is decoded. An image of more than
 * {@value #MAX_PIXELS} pixels is refused at once. A smaller one whose longer side exceeds
 * {@value #MAX_DECODED_SIDE} is decoded with source subsampling (every k-th pixel of every k-th
 * row), so the decoded image has at most {@value #MAX_DECODED_SIDE} pixels on its longer side:
 * at most 16 MiB of pixels, 48 MiB once the encoders turn it into float planes. The models take
 * far smaller images (the default model 64 x 64, UniDiffuser v1 512 x 512), so nothing they could
 * see is lost beyond what the later resize drops anyway.
 */
public final class ImageFiles {

    /** The largest image accepted, in pixels (128 Mi, e.g. 11585 x 11585). */
    public static final long MAX_PIXELS = 128L * 1024 * 1024;
    /** The longest side an image is decoded at; larger images are read subsampled. */
    public static final int MAX_DECODED_SIDE = 2048;

    private ImageFiles() {
    }

    /**
     * Reads an image file with the limits above.
     *
     * @throws ImageFileException naming the file and what was wrong: missing, not an image format
     *                            the JDK reads, too many pixels, unreadable
     */
    public static BufferedImage read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ImageFileException(file, "no such file");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new ImageFileException(file, "cannot be opened");
            }
            return decode(in, reason -> new ImageFileException(file, reason),
                    (reason, cause) -> new ImageFileException(file, reason, cause));
        } catch (IOException e) {
            throw new ImageFileException(file, "cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Reads an image from its bytes with the same limits (header first, pixel limit, subsampled
     * decoding of large images), for images that arrive as data: a table's binary column, an
     * upload.
     *
     * @param name what the bytes are called in errors (a path or URI)
     * @throws ImageFileException naming {@code name} and what was wrong: no bytes, not an image,
     *                            too many pixels, unreadable
     */
    public static BufferedImage read(String name, byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new ImageFileException(name, "the file is empty (0 bytes)", null);
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            return decode(in, reason -> new ImageFileException(name, reason, null),
                    (reason, cause) -> new ImageFileException(name, reason, cause));
        } catch (IOException e) {
            throw new ImageFileException(name, "cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /** The shared decoding: header, limits, subsampling; errors built by the caller's factories. */
    private static BufferedImage decode(ImageInputStream in, Function<String, ImageFileException> refusal,
                                        BiFunction<String, Throwable, ImageFileException> failure) {
        try {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw refusal.apply("not an image format this JDK reads (PNG, JPEG, BMP, GIF, WBMP, TIFF)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                // Only the header is read here, however large the image says it is.
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                long pixels = (long) width * height;
                if (pixels > MAX_PIXELS) {
                    throw refusal.apply(width + " x " + height + " pixels (" + pixels
                            + ") is more than the " + MAX_PIXELS + " accepted; scale it down first");
                }
                ImageReadParam param = reader.getDefaultReadParam();
                int step = subsampling(width, height);
                if (step > 1) {
                    param.setSourceSubsampling(step, step, 0, 0);
                }
                BufferedImage image = reader.read(0, param);
                if (image == null) {
                    throw refusal.apply("holds no image");
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ImageFileException known) {
                throw known;
            }
            // Decoders report corrupt data as IOException or as unchecked exceptions (e.g. IIOException,
            // IndexOutOfBounds); either way the image is the problem.
            throw failure.apply("cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /** The smallest step k such that both sides divided by k fit in {@link #MAX_DECODED_SIDE}. */
    static int subsampling(int width, int height) {
        int longer = Math.max(width, height);
        return (longer + MAX_DECODED_SIDE - 1) / MAX_DECODED_SIDE;
    }
}
