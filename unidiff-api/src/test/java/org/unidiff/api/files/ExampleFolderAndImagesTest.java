package org.unidiff.api.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unidiff.api.ExamplePair;
import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.InvalidImageException;

/** The public file helpers: example folders in LaVin-DiT's naming and the library's image reader. */
class ExampleFolderAndImagesTest {

    @TempDir
    Path dir;

    private Path png(String name, int rgb) throws IOException {
        BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, rgb);
        Path file = dir.resolve(name);
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    @Test
    void pairsAreMatchedByNameInNameOrderAndOtherFilesIgnored() throws IOException {
        png("b_input.png", 0x111111);
        png("b_target.png", 0x222222);
        png("a_input.png", 0x333333);
        png("a_target.png", 0x444444);
        png("a_b_input.png", 0x555555);       // a name holding an underscore
        png("a_b_target.png", 0x666666);
        Files.writeString(dir.resolve("README.txt"), "not a pair");

        List<ExampleFolder.PairFiles> files = ExampleFolder.list(dir);
        assertEquals(List.of("a", "a_b", "b"), files.stream().map(ExampleFolder.PairFiles::name).toList());
        assertEquals(dir.resolve("a_b_target.png"), files.get(1).target());

        List<ExamplePair> pairs = ExampleFolder.read(dir);
        assertEquals(3, pairs.size());
        assertEquals(0x333333, pairs.get(0).input().getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0x666666, pairs.get(1).output().getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0x222222, pairs.get(2).output().getRGB(0, 0) & 0xFFFFFF);
    }

    @Test
    void aHalfPairAnEmptyFolderAndNoFolderAreErrorsNamingTheFolder() throws IOException {
        InvalidRequestException none = assertThrows(InvalidRequestException.class,
                () -> ExampleFolder.list(dir.resolve("missing")));
        assertTrue(none.getMessage().contains(dir.resolve("missing") + " (no such folder)"), none.getMessage());

        InvalidRequestException empty = assertThrows(InvalidRequestException.class, () -> ExampleFolder.list(dir));
        assertTrue(empty.getMessage().contains("no NAME_input.png / NAME_target.png pairs"), empty.getMessage());

        png("x_input.png", 0);
        InvalidRequestException half = assertThrows(InvalidRequestException.class, () -> ExampleFolder.list(dir));
        assertTrue(half.getMessage().contains("'x' has an _input.png but no _target.png"), half.getMessage());
        assertEquals("examples folder", half.field());
    }

    @Test
    void aTextFileNamedPngIsRefusedNamingTheFile() throws IOException {
        Path fake = Files.writeString(dir.resolve("photo.png"), "hello");
        InvalidImageException e = assertThrows(InvalidImageException.class, () -> Images.read(fake));
        assertEquals(fake, e.file());
        assertTrue(e.getMessage().startsWith(fake.toString()), e.getMessage());
        assertThrows(InvalidImageException.class, () -> Images.read("upload", new byte[0]));
        assertEquals(0x123456, Images.read(png("ok.png", 0x123456)).getRGB(0, 0) & 0xFFFFFF);
    }

    @Test
    void aBrokenPairImageNamesTheFile() throws IOException {
        png("p_input.png", 0);
        Path bad = Files.writeString(dir.resolve("p_target.png"), "not an image");
        InvalidImageException e = assertThrows(InvalidImageException.class, () -> ExampleFolder.read(dir));
        assertEquals(bad, e.file());
    }
}
