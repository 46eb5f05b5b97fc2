package org.unidiff.server;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Images in and out of JSON as base64 PNG. An upload's size is read from its PNG header before
 * any pixel is decoded, so a small file that claims a huge image (an image bomb) is refused
 * without allocating it.
 */
public final class Pngs {

    private static final String DATA_URL_PREFIX = "data:image/png;base64,";
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private Pngs() {
    }

    /**
     * Decodes a base64 PNG (optionally a {@code data:image/png;base64,} URL).
     *
     * @param field     the request field, for errors
     * @param text      the base64 text
     * @param maxPixels most pixels accepted, checked from the header before decoding
     * @throws Problem naming the field if the text is not base64, not a PNG, too large or broken
     */
    public static BufferedImage decode(String field, String text, long maxPixels) {
        String b64 = text.startsWith(DATA_URL_PREFIX) ? text.substring(DATA_URL_PREFIX.length()) : text;
        byte[] bytes;
        try {
            bytes = Base64.getMimeDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw Problem.invalid(field, field + " must be a PNG image in base64, found text that is not base64");
        }
        if (bytes.length < SIGNATURE.length || !startsWithSignature(bytes)) {
            throw Problem.invalid(field, field + " must be a PNG image in base64 (only PNG is accepted), found "
                    + bytes.length + " bytes without the PNG signature");
        }
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("png");
        if (!readers.hasNext()) {
            throw Problem.internal("this Java runtime has no PNG reader");
        }
        ImageReader reader = readers.next();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            long pixels = (long) width * height;
            if (pixels > maxPixels) {
                throw Problem.invalid(field, field + " must have at most " + maxPixels + " pixels, found "
                        + width + " x " + height + " = " + pixels + " pixels");
            }
            BufferedImage image = reader.read(0);
            if (image == null) {
                throw Problem.invalid(field, field + " must be a readable PNG image");
            }
            return compact(image);
        } catch (OutOfMemoryError e) {
            // The server's memory, not the client's image: 503, never "broken or truncated".
            throw Problem.outOfMemory("decoding " + field);
        } catch (IOException | RuntimeException e) {
            if (e instanceof Problem p) {
                throw p;
            }
            throw Problem.invalid(field, field + " must be a readable PNG image, found a broken or truncated one"
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
        } finally {
            reader.dispose();
        }
    }

    /** Encodes an image as base64 PNG. */
    /**
     * The image in at most 4 bytes a pixel: 16-bit and other wide decodings (8 bytes a pixel for
     * 16-bit RGBA) are redrawn as 8-bit RGB or ARGB, which is all the models read, so a queued
     * request keeps half the memory or less.
     */
    static BufferedImage compact(BufferedImage image) {
        if (bytesHeld(image) <= 4L * image.getWidth() * image.getHeight()) {
            return image;
        }
        boolean alpha = image.getColorModel().hasAlpha();
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(),
                alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = out.createGraphics();
        try {
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Bytes the image's pixels hold in memory. */
    static long bytesHeld(BufferedImage image) {
        java.awt.image.DataBuffer buffer = image.getRaster().getDataBuffer();
        return (long) buffer.getSize() * buffer.getNumBanks()
                * java.awt.image.DataBuffer.getDataTypeSize(buffer.getDataType()) / 8;
    }

    public static String encode(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer for image type " + image.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing a PNG in memory failed", e);
        }
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    private static boolean startsWithSignature(byte[] bytes) {
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (bytes[i] != SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }
}
