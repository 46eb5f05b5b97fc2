package org.unidiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContactSheetTest {

    private static final int BACKGROUND = 0xFFFFFF;
    private static final ContactSheet.Style PLAIN =
            new ContactSheet.Style(2, 3, 1, new Color(BACKGROUND), Color.BLACK, false, 11);

    private static BufferedImage solid(int w, int h, int rgb) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    private static int rgb(BufferedImage image, int x, int y) {
        return image.getRGB(x, y) & 0xFFFFFF;
    }

    @Test
    void gridSizeAndEveryCellPixelAreWhereTheLayoutSays() {
        int[] colours = {0xFF0000, 0x00FF00, 0x0000FF};
        List<ContactSheet.Cell> cells = List.of(new ContactSheet.Cell(solid(10, 8, colours[0]), "a"),
                new ContactSheet.Cell(solid(10, 8, colours[1]), "b"), new ContactSheet.Cell(solid(10, 8, colours[2]), "c"));

        BufferedImage sheet = ContactSheet.compose(cells, PLAIN);

        // 2 columns x 2 rows of 10 x 8 cells with a 3-pixel gutter around and between them.
        assertEquals(2 * 10 + 3 * 3, sheet.getWidth());
        assertEquals(2 * 8 + 3 * 3, sheet.getHeight());
        for (int y = 0; y < sheet.getHeight(); y++) {
            for (int x = 0; x < sheet.getWidth(); x++) {
                int expected = BACKGROUND;
                int col = (x - 3) / 13;
                int row = (y - 3) / 11;
                boolean inCell = x >= 3 && y >= 3 && (x - 3) % 13 < 10 && (y - 3) % 11 < 8;
                if (inCell && row * 2 + col < 3) {
                    expected = colours[row * 2 + col];
                }
                assertEquals(expected, rgb(sheet, x, y), "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void scalingIsNearestNeighbourAndExact() {
        BufferedImage checker = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                checker.setRGB(x, y, ((x + y) % 2 == 0) ? 0x102030 : 0xE0D0C0 + x);
            }
        }
        ContactSheet.Style style = new ContactSheet.Style(1, 1, 3, new Color(BACKGROUND), Color.BLACK, false, 11);

        BufferedImage sheet = ContactSheet.compose(List.of(new ContactSheet.Cell(checker, null)), style);

        assertEquals(4 * 3 + 2, sheet.getWidth());
        assertEquals(3 * 3 + 2, sheet.getHeight());
        for (int y = 0; y < 9; y++) {
            for (int x = 0; x < 12; x++) {
                assertEquals(checker.getRGB(x / 3, y / 3) & 0xFFFFFF, rgb(sheet, 1 + x, 1 + y), "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void smallerImagesSitTopLeftInCellsSizedByTheLargest() {
        List<ContactSheet.Cell> cells = List.of(new ContactSheet.Cell(solid(6, 6, 0x00FF00), ""),
                new ContactSheet.Cell(solid(3, 2, 0xFF0000), ""));

        BufferedImage sheet = ContactSheet.compose(cells, new ContactSheet.Style(5, 2, 1, new Color(BACKGROUND),
                Color.BLACK, false, 11));

        assertEquals(2 * 6 + 3 * 2, sheet.getWidth(), "columns capped at the number of cells");
        assertEquals(6 + 2 * 2, sheet.getHeight());
        int x0 = 2 + 6 + 2;
        assertEquals(0xFF0000, rgb(sheet, x0, 2));
        assertEquals(0xFF0000, rgb(sheet, x0 + 2, 3));
        assertEquals(BACKGROUND, rgb(sheet, x0 + 3, 2), "right of the small image");
        assertEquals(BACKGROUND, rgb(sheet, x0, 4), "below the small image");
    }

    @Test
    void labelsGetAStripUnderEveryRowAndInkOnlyInsideIt() {
        List<ContactSheet.Cell> cells = List.of(new ContactSheet.Cell(solid(40, 20, 0x000000), "a red circle"),
                new ContactSheet.Cell(solid(40, 20, 0x000000), ""));
        ContactSheet.Style style = new ContactSheet.Style(2, 2, 1, new Color(BACKGROUND), Color.BLACK, true, 11);

        BufferedImage sheet = ContactSheet.compose(cells, style);

        int strip = sheet.getHeight() - 20 - 2 * 2;
        assertTrue(strip > 0, "a label strip was added");
        assertEquals(2 * 40 + 3 * 2, sheet.getWidth(), "labels do not widen the sheet");
        int ink = 0;
        for (int y = 22; y < 22 + strip; y++) {
            for (int x = 2; x < 42; x++) {
                ink += rgb(sheet, x, y) != BACKGROUND ? 1 : 0;
            }
            for (int x = 44; x < 84; x++) {
                assertEquals(BACKGROUND, rgb(sheet, x, y), "the unlabelled cell's strip stays blank");
            }
        }
        assertTrue(ink > 20, "the label was drawn, " + ink + " ink pixels");
        for (int y = 2; y < 22; y++) {
            assertEquals(0x000000, rgb(sheet, 10, y), "the image is not covered by its label");
        }
    }

    @Test
    void wrapKeepsLinesInsideTheWidthAndMarksCutText() {
        Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        FontMetrics metrics = g.getFontMetrics(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        String text = "a large red circle in the center on a black background next to a small blue square";
        int width = metrics.stringWidth("a large red circle");

        List<String> lines = ContactSheet.wrap(text, metrics, width);

        assertEquals(3, lines.size());
        assertEquals("a large red circle", lines.get(0));
        for (int i = 0; i < 2; i++) {
            assertTrue(metrics.stringWidth(lines.get(i)) <= width, lines.get(i));
        }
        assertTrue(lines.get(2).endsWith("\u2026"), lines.get(2));
        assertEquals(List.of("short"), ContactSheet.wrap("short", metrics, width));
        assertEquals(List.of(), ContactSheet.wrap("", metrics, width));
        g.dispose();
    }

    @Test
    void thumbnailCropsTheCentreToTheTargetShape() {
        // 30 x 10: blue in the middle third, red on the sides; a 10 x 10 thumbnail is the middle third.
        BufferedImage wide = solid(30, 10, 0xFF0000);
        for (int y = 0; y < 10; y++) {
            for (int x = 10; x < 20; x++) {
                wide.setRGB(x, y, 0x0000FF);
            }
        }

        BufferedImage thumb = ContactSheet.thumbnail(wide, 10, 10);

        assertEquals(10, thumb.getWidth());
        assertEquals(10, thumb.getHeight());
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 10; x++) {
                assertEquals(0x0000FF, rgb(thumb, x, y), "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void badLayoutsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ContactSheet.compose(List.of(), PLAIN));
        IllegalArgumentException columns = assertThrows(IllegalArgumentException.class,
                () -> new ContactSheet.Style(0, 1, 1, Color.WHITE, Color.BLACK, false, 11));
        assertTrue(columns.getMessage().contains("columns must be >= 1, got 0"), columns.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ContactSheet.Cell(null, "x"));
    }

    @Test
    void styleForSmallImagesMagnifiesToTheMinimumWidth() {
        assertEquals(2, ContactSheet.Style.forImages(3, 64, 128).scale());
        assertEquals(1, ContactSheet.Style.forImages(3, 256, 128).scale());
        assertEquals(3, ContactSheet.Style.forImages(3, 40, 128).scale());
    }
}
