package org.unidiff.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.unidiff.api.files.OutputExistsException;
import org.unidiff.api.files.PngFiles;
import org.unidiff.api.files.SafeWrite;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Where a command writes its PNGs, and how: every image carries its generation parameters in text
 * chunks, and a command that makes more than one image also writes a contact sheet with all of
 * them side by side.
 *
 * <p>File names carry a short hash of the run's parameters ({@link #tag}), so runs that differ in
 * anything (the end of a long prompt, the guidance, the steps, ...) write different files. Files
 * are written atomically and never replace an existing file unless {@code --overwrite} is given
 * (see {@link SafeWrite}); the folder is checked before the model loads ({@link #check()}).
 */
public final class OutputFolder {

    /** File name start of the contact sheet, followed by the run's tag. */
    public static final String SHEET_PREFIX = "contact-sheet-";

    /** Cells narrower than this are magnified so that small model outputs and labels stay legible. */
    private static final int MIN_CELL_WIDTH = 128;
    private static final int MAX_SLUG = 40;
    private static final int TAG_HEX_DIGITS = 8;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "out",
            description = "Directory for the PNG files (created if missing). Default: ${DEFAULT-VALUE}.")
    Path directory;

    @Option(names = "--overwrite", description = "Replace files of an earlier run with the same parameters "
            + "(by default an existing file is never replaced and the run fails).")
    boolean overwrite;

    /** The output directory. */
    public Path directory() {
        return directory;
    }

    /**
     * Makes sure the folder exists (creating it) and that files can be created in it, so that a bad
     * {@code --out} fails before the model loads rather than after the generation.
     *
     * @throws ParameterException naming {@code --out}, the folder and the reason
     */
    public void check() {
        String problem = OutputFolderCheck.problem(directory);
        if (problem != null) {
            throw new ParameterException(spec.commandLine(), "--out " + directory + ": " + problem);
        }
    }

    /**
     * Writes one image with its text chunks and returns its path.
     *
     * @param fileName a file name (no directories) ending in {@code .png}
     * @throws OutputExistsException if the file exists and {@code --overwrite} was not given
     */
    public Path save(BufferedImage image, String fileName, Map<String, String> text) throws IOException {
        Path file = directory.resolve(fileName);
        PngFiles.write(image, text, file, overwrite);
        return file;
    }

    /**
     * Writes any file through the same no-clobber, atomic path as the images (e.g. an animated GIF).
     *
     * @param fileName a file name (no directories)
     * @param content  writes the whole file to the temporary path it is given
     */
    public Path saveFile(String fileName, SafeWrite.Content content) throws IOException {
        Path file = directory.resolve(fileName);
        SafeWrite.write(file, overwrite, content);
        return file;
    }

    /**
     * Writes a contact sheet of {@code cells}, {@code columns} to a row, with the run's parameters as
     * text, named {@value #SHEET_PREFIX} and the parameters' {@link #tag}; nothing when there is at most one cell.
     *
     * @return the sheet's path, or null if none was written
     */
    public Path saveSheet(List<ContactSheet.Cell> cells, int columns, Map<String, String> text) throws IOException {
        return saveSheet(cells, columns, text, tag(text));
    }

    /**
     * As {@link #saveSheet(List, int, Map)}, named with a tag computed by the caller (from inputs
     * that are not in the text chunks, such as the full paths of input images).
     */
    public Path saveSheet(List<ContactSheet.Cell> cells, int columns, Map<String, String> text, String tag)
            throws IOException {
        if (cells.size() <= 1) {
            return null;
        }
        ContactSheet.Style style = ContactSheet.Style.forImages(columns, cells.get(0).image().getWidth(),
                MIN_CELL_WIDTH);
        return save(ContactSheet.compose(cells, style), SHEET_PREFIX + tag + ".png", text);
    }

    /**
     * A short hash ({@value #TAG_HEX_DIGITS} hex digits) of a run's parameters, whatever their order,
     * for file names: equal parameters give equal tags, any difference another tag (up to the odds
     * of a 32-bit collision, and a collision is refused, never overwritten).
     */
    public static String tag(Map<String, String> parameters) {
        StringBuilder canonical = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(parameters).entrySet()) {
            canonical.append(e.getKey()).append('\0').append(e.getValue()).append('\n');
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, TAG_HEX_DIGITS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
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
     * if nothing is left. Only a readable hint: file names tell runs apart by their {@link #tag}.
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
