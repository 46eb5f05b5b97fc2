package org.unidiff.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFilesTest {

    @TempDir
    Path dir;

    @Test
    void aHugeImageIsRefusedFromItsHeaderAlone() throws IOException {
        // A valid PNG signature and header declaring 26000 x 26000 (676 M pixels): decoding it fully
        // would need gigabytes; the refusal must come from the header, before any pixel.
        Path bomb = dir.resolve("bomb.png");
        writePng(bomb, 26000, 26000, 0);
        // The file holds no pixel data at all: a decoder that went past the header would fail with
        // another message, so naming the pixel count proves the refusal came from the header (no
        // timing needed, which a loaded machine would make flaky).
        ImageFileException e = assertThrows(ImageFileException.class, () -> ImageFiles.read(bomb));
        assertTrue(e.getMessage().contains("bomb.png") && e.getMessage().contains("26000 x 26000")
                && e.getMessage().contains(Long.toString(ImageFiles.MAX_PIXELS)), e.getMessage());
        ImageFileException fromBytes = assertThrows(ImageFileException.class,
                () -> ImageFiles.read("hdfs://data/bomb.png", Files.readAllBytes(bomb)));
        assertTrue(fromBytes.getMessage().startsWith("hdfs://data/bomb.png: 26000 x 26000"), fromBytes.getMessage());
    }

    @Test
    void bytesAreReadWithTheSameRulesAndErrorsNameWhereTheyCameFrom() throws IOException {
        Path small = dir.resolve("small.png");
        BufferedImage source = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        source.setRGB(3, 4, 0x123456);
        ImageIO.write(source, "png", small.toFile());
        BufferedImage read = ImageFiles.read("file:/x/small.png", Files.readAllBytes(small));
        assertEquals(40, read.getWidth());
        assertEquals(0x123456, read.getRGB(3, 4) & 0xFFFFFF);
        ImageFileException empty = assertThrows(ImageFileException.class, () -> ImageFiles.read("a.png", new byte[0]));
        assertEquals("a.png: the file is empty (0 bytes)", empty.getMessage());
        assertEquals("a.png", empty.name());
        ImageFileException text = assertThrows(ImageFileException.class,
                () -> ImageFiles.read("notes.png", "hello".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertTrue(text.getMessage().startsWith("notes.png: not an image format"), text.getMessage());
        Path large = dir.resolve("large.png");
        writePng(large, 10000, 10000, 10000);
        BufferedImage sub = ImageFiles.read("large.png", Files.readAllBytes(large));
        assertEquals(2000, Math.max(sub.getWidth(), sub.getHeight()), "10000 read every 5th pixel");
    }

    @Test
    void aLargeImageIsReadSubsampledWithBoundedMemory() throws IOException {
        Path large = dir.resolve("large.png");
        writePng(large, 10000, 10000, 10000);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();

        BufferedImage image = ImageFiles.read(large);

        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(2000, image.getWidth());
        assertEquals(2000, image.getHeight());
        assertEquals(0x336699, image.getRGB(1234, 567) & 0xffffff, "the pixels are the file's");
        // A full decode would allocate at least 10000 x 10000 x 3 bytes (286 MiB) for the raster alone.
        assertTrue(allocated < 64L * 1024 * 1024, "allocated " + allocated / (1024 * 1024) + " MiB");
    }

    @Test
    void aSmallImageIsReadAsIs() throws IOException {
        Path small = dir.resolve("small.png");
        BufferedImage source = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        source.setRGB(3, 4, 0xff0000);
        ImageIO.write(source, "png", small.toFile());

        BufferedImage read = ImageFiles.read(small);

        assertEquals(40, read.getWidth());
        assertEquals(30, read.getHeight());
        assertEquals(0xff0000, read.getRGB(3, 4) & 0xffffff);
    }

    @Test
    void notAnImageAndMissingFilesAreNamed() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.png"), "hello");
        assertTrue(assertThrows(ImageFileException.class, () -> ImageFiles.read(text)).getMessage()
                .contains("not an image format"));
        assertTrue(assertThrows(ImageFileException.class, () -> ImageFiles.read(dir.resolve("gone.png")))
                .getMessage().endsWith("gone.png: no such file"));
    }

    @Test
    void subsamplingKeepsTheLongerSideWithinTheBound() {
        assertEquals(1, ImageFiles.subsampling(2048, 100));
        assertEquals(2, ImageFiles.subsampling(100, 2049));
        assertEquals(5, ImageFiles.subsampling(10000, 10000));
    }

    /**
     * Writes an 8-bit RGB PNG of one colour (0x336699) streaming its rows, so that a large image
     * costs little memory and little disk; {@code rows} rows of pixel data (0: header only).
     */
    private static void writePng(Path file, int width, int height, int rows) throws IOException {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
            java.io.ByteArrayOutputStream ihdr = new java.io.ByteArrayOutputStream();
            DataOutputStream h = new DataOutputStream(ihdr);
            h.writeInt(width);
            h.writeInt(height);
            h.write(new byte[] {8, 2, 0, 0, 0});
            chunk(out, "IHDR", ihdr.toByteArray());
            if (rows > 0) {
                java.io.ByteArrayOutputStream idat = new java.io.ByteArrayOutputStream();
                byte[] row = new byte[1 + 3 * width];
                for (int x = 0; x < width; x++) {
                    row[1 + 3 * x] = 0x33;
                    row[2 + 3 * x] = 0x66;
                    row[3 + 3 * x] = (byte) 0x99;
                }
                try (OutputStream z = new DeflaterOutputStream(idat, new Deflater(Deflater.BEST_SPEED), 1 << 16)) {
                    for (int y = 0; y < rows; y++) {
                        z.write(row);
                    }
                }
                chunk(out, "IDAT", idat.toByteArray());
            }
            chunk(out, "IEND", new byte[0]);
        }
    }

    private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
        byte[] name = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.writeInt(data.length);
        out.write(name);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        out.writeInt((int) crc.getValue());
    }
}
