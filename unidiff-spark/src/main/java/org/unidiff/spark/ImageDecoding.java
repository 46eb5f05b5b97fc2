package org.unidiff.spark;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** Decodes the bytes of an image file, refusing what is not an image or too large to hold. */
final class ImageDecoding {

    /** The largest width or height decoded: a 16384 x 16384 RGB image is already 1 GiB in memory. */
    static final int MAX_SIDE = 16384;

    private ImageDecoding() {
    }

    /**
     * The decoded image.
     *
     * @throws IOException naming the file and what was wrong: no bytes, no decoder, a size over
     *                     {@value #MAX_SIDE}, or the decoder's own error
     */
    static BufferedImage decode(String path, byte[] content) throws IOException {
        if (content == null || content.length == 0) {
            throw new IOException("unreadable image " + path + ": the file is empty");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(content))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException("unreadable image " + path + ": not a PNG, JPEG, GIF or BMP file ("
                        + content.length + " bytes)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w < 1 || h < 1 || w > MAX_SIDE || h > MAX_SIDE) {
                    throw new IOException("unreadable image " + path + ": " + w + " x " + h
                            + " pixels, expected each side from 1 to " + MAX_SIDE);
                }
                return reader.read(0);
            } catch (IOException | RuntimeException e) {
                if (e instanceof IOException io && io.getMessage() != null
                        && io.getMessage().startsWith("unreadable image ")) {
                    throw io;
                }
                throw new IOException("unreadable image " + path + ": " + e, e);
            } finally {
                reader.dispose();
            }
        }
    }
}
