package org.unidiff.cli;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lays images out in a grid on one picture: a gutter around and between cells, each image scaled
 * by a whole factor with nearest-neighbour sampling (so model pixels stay sharp and exact), and,
 * when asked, a strip under each image holding its label in up to {@value #MAX_LABEL_LINES}
 * wrapped lines.
 */
public final class ContactSheet {

    private static final Logger LOG = LoggerFactory.getLogger(ContactSheet.class);
    private static final int MAX_LABEL_LINES = 3;
    private static final int LABEL_PADDING = 3;

    /**
     * One image of the sheet.
     *
     * @param image the image
     * @param label text for the strip under it; empty or null for none
     */
    public record Cell(BufferedImage image, String label) {

        /** Checks the image and normalizes the label. */
        public Cell {
            if (image == null) {
                throw new IllegalArgumentException("contact sheet cell needs an image, got null");
            }
            label = label == null ? "" : label.strip();
        }
    }

    /**
     * How the sheet looks.
     *
     * @param columns    cells per row, at least 1
     * @param gutter     pixels around and between cells, at least 0
     * @param scale      whole magnification of every image, at least 1
     * @param background colour of the gutter and label strips
     * @param ink        colour of label text
     * @param labels     whether to draw label strips
     * @param fontSize   label font size in pixels
     */
    public record Style(int columns, int gutter, int scale, Color background, Color ink, boolean labels,
                        int fontSize) {

        /** Validates the numbers. */
        public Style {
            if (columns < 1) {
                throw new IllegalArgumentException("contact sheet columns must be >= 1, got " + columns);
            }
            if (gutter < 0) {
                throw new IllegalArgumentException("contact sheet gutter must be >= 0 pixels, got " + gutter);
            }
            if (scale < 1) {
                throw new IllegalArgumentException("contact sheet scale must be >= 1, got " + scale);
            }
            if (fontSize < 1) {
                throw new IllegalArgumentException("contact sheet font size must be >= 1, got " + fontSize);
            }
            if (background == null || ink == null) {
                throw new IllegalArgumentException("contact sheet colours must not be null");
            }
        }

        /**
         * A white sheet with a 4-pixel gutter and labels, scaling images up to at least
         * {@code minCellWidth} pixels wide so that small model outputs and their labels stay readable.
         */
        public static Style forImages(int columns, int imageWidth, int minCellWidth) {
            int scale = Math.max(1, minCellWidth / Math.max(1, imageWidth));
            return new Style(columns, 4, scale, Color.WHITE, Color.BLACK, true, 11);
        }

        /** This style with or without label strips. */
        public Style withLabels(boolean on) {
            return new Style(columns, gutter, scale, background, ink, on, fontSize);
        }
    }

    private ContactSheet() {
    }

    /**
     * The sheet: cells row by row, {@code style.columns()} to a row. Every cell is as large as the
     * largest image (times the scale); smaller images sit in the top-left corner of their cell.
     */
    public static BufferedImage compose(List<Cell> cells, Style style) {
        if (cells == null || cells.isEmpty()) {
            throw new IllegalArgumentException("contact sheet needs at least one image, got none");
        }
        int columns = Math.min(style.columns(), cells.size());
        int rows = (cells.size() + columns - 1) / columns;
        int cellWidth = cells.stream().mapToInt(c -> c.image().getWidth()).max().orElseThrow() * style.scale();
        int cellHeight = cells.stream().mapToInt(c -> c.image().getHeight()).max().orElseThrow() * style.scale();
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, style.fontSize());
        List<List<String>> lines = wantsLabels(cells, style) ? wrapAll(cells, font, cellWidth) : null;
        int lineHeight = lines == null ? 0 : lineHeight(font);
        int strip = lines == null ? 0
                : lines.stream().mapToInt(List::size).max().orElse(0) * lineHeight + 2 * LABEL_PADDING;
        int width = columns * cellWidth + (columns + 1) * style.gutter();
        int height = rows * (cellHeight + strip) + (rows + 1) * style.gutter();

        BufferedImage sheet = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setColor(style.background());
            g.fillRect(0, 0, width, height);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            for (int i = 0; i < cells.size(); i++) {
                BufferedImage image = cells.get(i).image();
                int x = style.gutter() + (i % columns) * (cellWidth + style.gutter());
                int y = style.gutter() + (i / columns) * (cellHeight + strip + style.gutter());
                g.drawImage(image, x, y, image.getWidth() * style.scale(), image.getHeight() * style.scale(), null);
                if (lines != null) {
                    drawLabel(g, font, style.ink(), lines.get(i), x, y + cellHeight, cellWidth, strip, lineHeight);
                }
            }
        } finally {
            g.dispose();
        }
        return sheet;
    }

    /**
     * {@code image} center-cropped to the aspect ratio of {@code width x height} and resized to it
     * (bilinear), so that an input of any size can sit beside model outputs on one sheet.
     */
    public static BufferedImage thumbnail(BufferedImage image, int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("thumbnail size must be at least 1 x 1, got " + width + " x " + height);
        }
        int w = image.getWidth();
        int h = image.getHeight();
        // Crop the larger side so that w / h matches width / height, in exact integer arithmetic.
        int cropW = (long) w * height > (long) h * width ? (int) ((long) h * width / height) : w;
        int cropH = (long) w * height > (long) h * width ? h : (int) ((long) w * height / width);
        int x0 = (w - cropW) / 2;
        int y0 = (h - cropH) / 2;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, 0, 0, width, height, x0, y0, x0 + Math.max(1, cropW), y0 + Math.max(1, cropH), null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static boolean wantsLabels(List<Cell> cells, Style style) {
        if (!style.labels() || cells.stream().allMatch(c -> c.label().isEmpty())) {
            return false;
        }
        try {
            lineHeight(new Font(Font.SANS_SERIF, Font.PLAIN, style.fontSize()));
            return true;
        } catch (RuntimeException | LinkageError e) {
            // A JDK without usable fonts (no fontconfig on a bare server) fails inside AWT; the images
            // matter more than their captions, so the sheet goes on without strips.
            LOG.warn("no fonts available ({}); contact sheet drawn without labels", e.toString());
            return false;
        }
    }

    private static int lineHeight(Font font) {
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = probe.createGraphics();
        try {
            return g.getFontMetrics(font).getHeight();
        } finally {
            g.dispose();
        }
    }

    private static List<List<String>> wrapAll(List<Cell> cells, Font font, int width) {
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = probe.createGraphics();
        try {
            FontMetrics metrics = g.getFontMetrics(font);
            List<List<String>> out = new ArrayList<>(cells.size());
            for (Cell c : cells) {
                out.add(wrap(c.label(), metrics, width));
            }
            return out;
        } finally {
            g.dispose();
        }
    }

    /** Greedy word wrap to {@code width} pixels; the last kept line ends in an ellipsis if text was cut. */
    static List<String> wrap(String text, FontMetrics metrics, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        String[] words = text.isEmpty() ? new String[0] : text.split("\\s+");
        int i = 0;
        while (i < words.length && lines.size() < MAX_LABEL_LINES) {
            String candidate = line.length() == 0 ? words[i] : line + " " + words[i];
            if (metrics.stringWidth(candidate) <= width || line.length() == 0) {
                line.setLength(0);
                line.append(candidate);
                i++;
            } else {
                lines.add(line.toString());
                line.setLength(0);
            }
        }
        if (line.length() > 0 && lines.size() < MAX_LABEL_LINES) {
            lines.add(line.toString());
        }
        if (i < words.length && !lines.isEmpty()) {
            int last = lines.size() - 1;
            lines.set(last, lines.get(last) + "\u2026");
        }
        return lines;
    }

    private static void drawLabel(Graphics2D g, Font font, Color ink, List<String> lines, int x, int top,
                                  int width, int height, int lineHeight) {
        // A single word wider than the cell would otherwise spill into the neighbouring cell.
        g.setClip(x, top, width, height);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(font);
        g.setColor(ink);
        int ascent = g.getFontMetrics().getAscent();
        for (int k = 0; k < lines.size(); k++) {
            g.drawString(lines.get(k), x, top + LABEL_PADDING + k * lineHeight + ascent);
        }
        g.setClip(null);
    }
}
