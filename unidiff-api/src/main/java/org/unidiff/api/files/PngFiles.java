package org.unidiff.api.files;

import java.awt.image.BufferedImage;
import java.awt.image.RenderedImage;
import java.io.IOException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import org.unidiff.api.core.GenerationParameters;
import org.unidiff.api.core.InvalidRequestException;
import org.w3c.dom.Node;

/**
 * Writes PNG files that carry key-value text (the generation parameters, as the CLI stores them)
 * and reads that text back, with the JDK's own PNG codec. Files are written through
 * {@link SafeWrite}: readers only ever see them complete, and an existing file is replaced only
 * when asked.
 *
 * <p>Values that fit ISO-8859-1 go into {@code tEXt} chunks, which every PNG tool shows; other
 * values (prompts with characters outside Latin-1) go into UTF-8 {@code iTXt} chunks, because
 * {@code tEXt} cannot hold them. Keywords must follow the PNG rules for both: 1 to 79 printable
 * Latin-1 characters, no leading, trailing or doubled spaces.
 */
public final class PngFiles {

    private static final String FORMAT = "javax_imageio_png_1.0";
    private static final int MAX_KEYWORD = 79;

    private PngFiles() {
    }

    /**
     * Writes a generated image (one of an {@code ImageResult}'s images) with the parameters that
     * made it ({@link GenerationParameters#asText()}, as the CLI stores them); never replaces an
     * existing file.
     *
     * @throws OutputExistsException if {@code file} exists
     * @throws IOException           if the file cannot be written (nothing is left behind)
     */
    public static void write(BufferedImage image, GenerationParameters parameters, Path file) throws IOException {
        if (parameters == null) {
            throw new InvalidRequestException("parameters", "the generation parameters to store in " + file, null);
        }
        write(image, parameters.asText(), file, false);
    }

    /**
     * Writes {@code image} as a PNG at {@code file} with one text chunk per entry, in the map's
     * order; an existing file is replaced only when {@code overwrite} is true.
     *
     * @throws InvalidRequestException  if the image or the file is null
     * @throws IllegalArgumentException if a keyword breaks the PNG keyword rules
     * @throws OutputExistsException    if {@code file} exists and {@code overwrite} is false
     * @throws IOException              if the file cannot be written (nothing is left behind)
     */
    public static void write(BufferedImage image, Map<String, String> text, Path file, boolean overwrite)
            throws IOException {
        if (image == null) {
            throw new InvalidRequestException("image", "an image to write to " + file, null);
        }
        if (file == null || file.getFileName() == null) {
            throw new InvalidRequestException("file", "the path of the PNG file to write", file);
        }
        IIOMetadataNode tree = textTree(text == null ? Map.of() : text);  // keyword errors before any file
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        SafeWrite.write(file, overwrite, temp -> writeNew(image, tree, temp));
    }

    /** Writes the PNG into {@code file}, an empty file of its own (SafeWrite's temporary). */
    private static void writeNew(BufferedImage image, IIOMetadataNode tree, Path file) throws IOException {
        ImageWriter writer = pngWriter();
        try {
            ImageWriteParam param = writer.getDefaultWriteParam();
            IIOMetadata metadata = writer.getDefaultImageMetadata(
                    ImageTypeSpecifier.createFromRenderedImage(image), param);
            metadata.mergeTree(FORMAT, tree);
            try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
                if (out == null) {
                    throw new IOException("cannot open " + file + " for writing");
                }
                writer.setOutput(out);
                writer.write(null, new IIOImage((RenderedImage) image, null, metadata), param);
            }
        } finally {
            writer.dispose();
        }
    }

    /**
     * The text entries of a PNG file ({@code tEXt}, {@code iTXt} and {@code zTXt}),
     * in file order; a repeated keyword keeps its last value.
     *
     * @throws IOException if the file is missing or not a PNG
     */
    public static Map<String, String> readText(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new IOException("cannot open " + file);
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException(file + " is not an image file ImageIO can read");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, false);
                if (!"png".equalsIgnoreCase(reader.getFormatName())) {
                    throw new IOException(file + " is a " + reader.getFormatName() + " file, expected PNG");
                }
                Node root = reader.getImageMetadata(0).getAsTree(FORMAT);
                Map<String, String> out = new LinkedHashMap<>();
                for (Node chunk = root.getFirstChild(); chunk != null; chunk = chunk.getNextSibling()) {
                    switch (chunk.getNodeName()) {
                        case "tEXt" -> entries(chunk, "tEXtEntry", "value", out);
                        case "iTXt" -> entries(chunk, "iTXtEntry", "text", out);
                        case "zTXt" -> entries(chunk, "zTXtEntry", "text", out);
                        default -> {
                        }
                    }
                }
                return out;
            } finally {
                reader.dispose();
            }
        }
    }

    private static void entries(Node chunk, String entryName, String valueAttribute, Map<String, String> out) {
        for (Node e = chunk.getFirstChild(); e != null; e = e.getNextSibling()) {
            if (entryName.equals(e.getNodeName())) {
                IIOMetadataNode entry = (IIOMetadataNode) e;
                out.put(entry.getAttribute("keyword"), entry.getAttribute(valueAttribute));
            }
        }
    }

    private static IIOMetadataNode textTree(Map<String, String> text) {
        IIOMetadataNode root = new IIOMetadataNode(FORMAT);
        IIOMetadataNode latin = new IIOMetadataNode("tEXt");
        IIOMetadataNode international = new IIOMetadataNode("iTXt");
        CharsetEncoder latin1 = StandardCharsets.ISO_8859_1.newEncoder();
        for (Map.Entry<String, String> e : text.entrySet()) {
            String keyword = checkedKeyword(e.getKey());
            String value = e.getValue() == null ? "" : e.getValue();
            if (latin1.canEncode(value)) {
                IIOMetadataNode entry = new IIOMetadataNode("tEXtEntry");
                entry.setAttribute("keyword", keyword);
                entry.setAttribute("value", value);
                latin.appendChild(entry);
            } else {
                IIOMetadataNode entry = new IIOMetadataNode("iTXtEntry");
                entry.setAttribute("keyword", keyword);
                entry.setAttribute("compressionFlag", "FALSE");
                entry.setAttribute("compressionMethod", "0");
                entry.setAttribute("languageTag", "");
                entry.setAttribute("translatedKeyword", "");
                entry.setAttribute("text", value);
                international.appendChild(entry);
            }
        }
        if (latin.hasChildNodes()) {
            root.appendChild(latin);
        }
        if (international.hasChildNodes()) {
            root.appendChild(international);
        }
        return root;
    }

    private static String checkedKeyword(String keyword) {
        if (keyword == null || keyword.isEmpty() || keyword.length() > MAX_KEYWORD) {
            throw new IllegalArgumentException("PNG text keyword must be 1 to " + MAX_KEYWORD
                    + " characters, got " + (keyword == null ? "null" : "'" + keyword + "'"));
        }
        for (int i = 0; i < keyword.length(); i++) {
            char c = keyword.charAt(i);
            boolean printable = (c >= 32 && c <= 126) || (c >= 161 && c <= 255);
            if (!printable) {
                throw new IllegalArgumentException("PNG text keyword must be printable Latin-1, got '" + keyword
                        + "' with character U+" + String.format("%04X", (int) c) + " at " + i);
            }
        }
        if (keyword.startsWith(" ") || keyword.endsWith(" ") || keyword.contains("  ")) {
            throw new IllegalArgumentException("PNG text keyword must not start or end with a space or hold"
                    + " two spaces in a row, got '" + keyword + "'");
        }
        return keyword;
    }

    private static ImageWriter pngWriter() {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
        if (!writers.hasNext()) {
            throw new IllegalStateException("this JDK has no PNG ImageWriter");
        }
        return writers.next();
    }
}
