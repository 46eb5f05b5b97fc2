package org.unidiff.examples;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where a command writes its PNGs, and how: every image carries its generation parameters in text
 * chunks, and a command that makes more than one image also writes {@value #SHEET_NAME} with all of
 * them side by side.
 */
public final class OutputFolder {

    /** File name of the contact sheet. */
    public static final String SHEET_NAME = "contact-sheet.png";

    /** Cells narrower than this are magnified so that small model outputs and labels stay legible. */
    private static final int MIN_CELL_WIDTH = 128;
    private static final int MAX_SLUG = 40;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "out",
            description = "Directory for the PNG files (created if missing). Default: ${DEFAULT-VALUE}.")
    Path directory;

    /** The output directory. */
    public Path directory() {
        return directory;
    }

    /**
     * Writes one image with its text chunks and returns its path.
     *
     * @param fileName a file name (no directories) ending in {@code .png}
     */
    public Path save(BufferedImage image, String fileName, Map<String, String> text) throws IOException {
        Path file = directory.resolve(fileName);
        PngText.write(image, text, file);
        return file;
    }

    /**
     * Writes {@value #SHEET_NAME} of {@code cells}, {@code columns} to a row, with the run's
     * parameters as text; nothing when there is at most one cell.
     *
     * @return the sheet's path, or null if none was written
     */
    public Path saveSheet(List<ContactSheet.Cell> cells, int columns, Map<String, String> text) throws IOException {
        if (cells.size() <= 1) {
            return null;
        }
        ContactSheet.Style style = ContactSheet.Style.forImages(columns, cells.get(0).image().getWidth(),
                MIN_CELL_WIDTH);
        return save(ContactSheet.compose(cells, style), SHEET_NAME, text);
    }

    /**
     * {@code base} followed by the given key-value pairs, in order (a repeated key takes the new
     * value), for per-image text chunks.
     *
     * @param keyValues key, value, key, value, ...
     */
    public static Map<String, String> with(Map<String, String> base, String... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("key-value pairs expected, got " + keyValues.length + " strings");
        }
        Map<String, String> out = new LinkedHashMap<>(base);
        for (int i = 0; i < keyValues.length; i += 2) {
            out.put(keyValues[i], keyValues[i + 1]);
        }
        return out;
    }

    /**
     * A file-name-safe short form of a prompt: lower-case ASCII letters and digits joined by single
     * dashes, at most {@value #MAX_SLUG} characters (cut at a dash where possible), {@code "untitled"}
     * if nothing is left.
     */
    public static String slug(String text) {
        String s = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (s.length() > MAX_SLUG) {
            // Cut at a word boundary when there is one, so names do not end in half a word.
            int cut = s.lastIndexOf('-', MAX_SLUG);
            s = s.substring(0, cut > 0 ? cut : MAX_SLUG);
        }
        return s.isEmpty() ? "untitled" : s;
    }
}
