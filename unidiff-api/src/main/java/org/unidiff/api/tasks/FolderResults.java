package org.unidiff.api.tasks;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.unidiff.api.core.GenerationParameters;
import org.unidiff.api.files.AnimatedGif;
import org.unidiff.api.files.PngFiles;
import org.unidiff.api.files.SafeWrite;

/**
 * A result written to a folder: each image a PNG carrying the generation parameters in its text
 * chunks, an animation a GIF, texts one per line and numbers one per line in a {@code .txt}. File
 * names start with a prefix of the caller's (the task and seed, a row's id) and the output's name:
 * {@code PREFIX-images-0.png}, {@code PREFIX-groups-1-0.png}, {@code PREFIX-animation.gif},
 * {@code PREFIX-texts.txt}. Nothing existing is replaced unless asked.
 */
public final class FolderResults implements ResultSink {

    private final Path folder;
    private final String prefix;
    private final Map<String, String> text;
    private final boolean overwrite;
    private final List<Path> written = new ArrayList<>();
    private final List<String> texts = new ArrayList<>();

    /**
     * @param folder     where the files go (created if missing)
     * @param prefix     start of every file name
     * @param parameters what made the result (written into each PNG)
     * @param overwrite  whether existing files may be replaced
     */
    public FolderResults(Path folder, String prefix, GenerationParameters parameters, boolean overwrite) {
        this.folder = Objects.requireNonNull(folder, "folder");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.text = parameters == null ? Map.of() : parameters.asText();
        this.overwrite = overwrite;
    }

    /** The files written so far, in order. */
    public List<Path> written() {
        return List.copyOf(written);
    }

    /** The texts written so far, each as {@code name[i]<TAB>text} (what a command line prints). */
    public List<String> textLines() {
        return List.copyOf(texts);
    }

    @Override
    public void images(String name, List<BufferedImage> images) {
        for (int i = 0; i < images.size(); i++) {
            png(images.get(i), file(name + "-" + i + ".png"));
        }
    }

    @Override
    public void imageGroups(String name, List<List<BufferedImage>> groups) {
        for (int g = 0; g < groups.size(); g++) {
            for (int i = 0; i < groups.get(g).size(); i++) {
                png(groups.get(g).get(i), file(name + "-" + g + "-" + i + ".png"));
            }
        }
    }

    @Override
    public void animation(String name, List<BufferedImage> frames) {
        byte[] gif = AnimatedGif.bytes(frames, 125, 4);
        save(file(name + ".gif"), f -> Files.write(f, gif));
    }

    @Override
    public void texts(String name, List<String> values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            // One record per line: line breaks inside a text become spaces.
            String line = values.get(i).replaceAll("[\\t\\r\\n]+", " ").strip();
            sb.append(line).append('\n');
            texts.add(name + "[" + i + "]\t" + line);
        }
        save(file(name + ".txt"), f -> Files.writeString(f, sb.toString(), StandardCharsets.UTF_8));
    }

    @Override
    public void numbers(String name, double[] values) {
        StringBuilder sb = new StringBuilder(values.length * 12);
        for (double v : values) {
            sb.append(String.format(Locale.ROOT, "%.9g", v)).append('\n');
        }
        save(file(name + ".txt"), f -> Files.writeString(f, sb.toString(), StandardCharsets.UTF_8));
    }

    private Path file(String suffix) {
        return folder.resolve(prefix + "-" + suffix);
    }

    private void png(BufferedImage image, Path file) {
        try {
            Files.createDirectories(folder);
            PngFiles.write(image, text, file, overwrite);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        written.add(file);
    }

    private void save(Path file, SafeWrite.Content content) {
        try {
            Files.createDirectories(folder);
            SafeWrite.write(file, overwrite, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        written.add(file);
    }
}
