package org.unidiff.api.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unidiff.api.core.GenerationParameters;
import org.unidiff.api.core.Task;

class PngFilesTest {

    @TempDir
    Path dir;

    private static BufferedImage gradient(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, (x * 16) << 16 | (y * 16) << 8 | ((x + y) * 8));
            }
        }
        return image;
    }

    @Test
    void generationParametersRoundTripInOrderAndPixelsSurvive() throws IOException {
        GenerationParameters p = new GenerationParameters(Task.GROUP, "shapes-default",
                List.of("a large red circle in the center on a black background", ""), 42L, 25, "dpm-solver++",
                7.5, 3, 1, "via-text");
        Map<String, String> text = new LinkedHashMap<>(p.asText());
        text.put("output", "2");
        BufferedImage image = gradient(16, 12);
        Path file = dir.resolve("sub/out.png");

        PngFiles.write(image, text, file, false);

        Map<String, String> back = PngFiles.readText(file);
        assertEquals(text, back);
        assertEquals(new ArrayList<>(text.keySet()), new ArrayList<>(back.keySet()), "keys keep their order");
        BufferedImage read = ImageIO.read(file.toFile());
        assertArrayEquals(image.getRGB(0, 0, 16, 12, null, 0, 16), read.getRGB(0, 0, 16, 12, null, 0, 16));
    }

    @Test
    void latinValuesGoToTextChunksAndOthersToInternationalOnes() throws IOException {
        Map<String, String> text = new LinkedHashMap<>();
        text.put("prompt", "un cercle rouge, très grand");
        text.put("prompt.1", "ein Kreis \u2014 \u5186 \u263A");
        Path file = dir.resolve("mixed.png");

        PngFiles.write(gradient(4, 4), text, file, false);

        assertEquals(text, PngFiles.readText(file));
        // Read the chunks from the bytes, independently of ImageIO: tEXt is keyword NUL Latin-1 text,
        // iTXt is keyword NUL flag method NUL language NUL translated NUL UTF-8 text.
        Map<String, String> raw = rawChunks(Files.readAllBytes(file));
        assertEquals("un cercle rouge, tr\u00e8s grand", raw.get("tEXt:prompt"));
        assertEquals("ein Kreis \u2014 \u5186 \u263A", raw.get("iTXt:prompt.1"));
    }

    @Test
    void anExistingFileIsKeptUnlessOverwriteIsAsked() throws IOException {
        GenerationParameters p = new GenerationParameters(Task.TEXT_TO_IMAGE, "m", List.of("a red circle"), 7L, 5,
                "dpm-solver++", 3.0, 1, 1, null);
        Path file = dir.resolve("keep.png");
        PngFiles.write(gradient(4, 4), p, file);
        byte[] first = Files.readAllBytes(file);

        OutputExistsException e = assertThrows(OutputExistsException.class,
                () -> PngFiles.write(gradient(8, 8), p, file));
        assertEquals(file.toString(), e.getFile());
        assertArrayEquals(first, Files.readAllBytes(file), "the first file is untouched");
        assertEquals(p.asText(), PngFiles.readText(file));

        PngFiles.write(gradient(8, 8), Map.of("k", "v"), file, true);
        assertEquals(Map.of("k", "v"), PngFiles.readText(file));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left");
        }
    }

    @Test
    void badKeywordsAreRefusedWithTheRuleBroken() {
        BufferedImage image = gradient(2, 2);
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> PngFiles.write(image, Map.of("", "x"), dir.resolve("a.png"), false));
        assertTrue(empty.getMessage().contains("1 to 79 characters"), empty.getMessage());
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> PngFiles.write(image, Map.of("k".repeat(80), "x"), dir.resolve("a.png"), false));
        assertTrue(tooLong.getMessage().contains("1 to 79 characters"), tooLong.getMessage());
        IllegalArgumentException spaces = assertThrows(IllegalArgumentException.class,
                () -> PngFiles.write(image, Map.of(" seed", "1"), dir.resolve("a.png"), false));
        assertTrue(spaces.getMessage().contains("space"), spaces.getMessage());
        IllegalArgumentException control = assertThrows(IllegalArgumentException.class,
                () -> PngFiles.write(image, Map.of("a\nb", "1"), dir.resolve("a.png"), false));
        assertTrue(control.getMessage().contains("U+000A"), control.getMessage());
    }

    @Test
    void readingSomethingElseFailsClearly() throws IOException {
        Path notImage = Files.writeString(dir.resolve("notes.png"), "not a png");
        IOException e = assertThrows(IOException.class, () -> PngFiles.readText(notImage));
        assertTrue(e.getMessage().contains("not an image"), e.getMessage());
        Path bmp = dir.resolve("x.bmp");
        ImageIO.write(gradient(2, 2), "bmp", bmp.toFile());
        IOException wrongFormat = assertThrows(IOException.class, () -> PngFiles.readText(bmp));
        assertTrue(wrongFormat.getMessage().contains("expected PNG"), wrongFormat.getMessage());
    }

    /** "type:keyword" to text of every tEXt and uncompressed iTXt chunk. */
    private static Map<String, String> rawChunks(byte[] png) {
        Map<String, String> out = new LinkedHashMap<>();
        ByteBuffer b = ByteBuffer.wrap(png);
        b.position(8);
        while (b.remaining() >= 12) {
            int length = b.getInt();
            byte[] type = new byte[4];
            b.get(type);
            byte[] data = new byte[length];
            b.get(data);
            b.getInt();
            String t = new String(type, StandardCharsets.US_ASCII);
            int nul = indexOf(data, 0);
            String keyword = new String(data, 0, nul, StandardCharsets.ISO_8859_1);
            if (t.equals("tEXt")) {
                out.put("tEXt:" + keyword, new String(data, nul + 1, data.length - nul - 1,
                        StandardCharsets.ISO_8859_1));
            } else if (t.equals("iTXt")) {
                assertEquals(0, data[nul + 1], "iTXt written uncompressed");
                int afterLanguage = indexOf(data, nul + 3) + 1;
                int afterTranslated = indexOf(data, afterLanguage) + 1;
                out.put("iTXt:" + keyword, new String(data, afterTranslated, data.length - afterTranslated,
                        StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static int indexOf(byte[] data, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == 0) {
                return i;
            }
        }
        return data.length;
    }
}
