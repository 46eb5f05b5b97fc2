package org.unidiff.api.files;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.unidiff.api.ExamplePair;
import org.unidiff.api.core.InvalidRequestException;

/**
 * A folder of in-context example pairs in LaVin-DiT's naming: {@code NAME_input.png} with
 * {@code NAME_target.png}, paired by NAME and listed in NAME order (the shipped folders under
 * {@code models/incontext/examples} are such folders). Other files are ignored; a half pair is an
 * error, so a missing file is never silently skipped.
 */
public final class ExampleFolder {

    /** The most entries a folder may hold: bounds the listing of a folder given by mistake. */
    public static final int MAX_FILES = 10_000;

    private static final String INPUT = "_input.png";
    private static final String TARGET = "_target.png";

    /** One pair's files. */
    public record PairFiles(String name, Path input, Path target) {
    }

    private ExampleFolder() {
    }

    /**
     * The pairs' files, in NAME order, without reading any image.
     *
     * @throws InvalidRequestException naming the folder and what is wrong: not a folder, more than
     *                                 {@value #MAX_FILES} entries, a half pair, no pair at all
     * @throws IOException             if the folder cannot be listed
     */
    public static List<PairFiles> list(Path folder) throws IOException {
        if (folder == null || !Files.isDirectory(folder)) {
            throw refused(folder, "no such folder");
        }
        Map<String, Path[]> byName = new TreeMap<>();
        int seen = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path f : files) {
                if (++seen > MAX_FILES) {
                    throw refused(folder, "more than " + MAX_FILES + " entries");
                }
                String name = f.getFileName().toString();
                int slot = name.endsWith(INPUT) ? 0 : name.endsWith(TARGET) ? 1 : -1;
                if (slot >= 0) {
                    String key = name.substring(0, name.length() - (slot == 0 ? INPUT : TARGET).length());
                    byName.computeIfAbsent(key, x -> new Path[2])[slot] = f;
                }
            }
        }
        List<PairFiles> out = new ArrayList<>();
        for (Map.Entry<String, Path[]> e : byName.entrySet()) {
            Path[] p = e.getValue();
            if (p[0] == null || p[1] == null) {
                throw refused(folder, "'" + e.getKey() + "' has " + (p[0] == null
                        ? "a " + TARGET + " but no " + INPUT : "an " + INPUT + " but no " + TARGET));
            }
            out.add(new PairFiles(e.getKey(), p[0], p[1]));
        }
        if (out.isEmpty()) {
            throw refused(folder, "no NAME" + INPUT + " / NAME" + TARGET + " pairs");
        }
        return out;
    }

    /**
     * Every pair of the folder, read with {@link Images#read(Path)}, in NAME order.
     *
     * @throws InvalidRequestException as {@link #list(Path)}
     * @throws org.unidiff.api.InvalidImageException naming a file that is not a usable image
     * @throws IOException             if the folder cannot be listed
     */
    public static List<ExamplePair> read(Path folder) throws IOException {
        List<ExamplePair> pairs = new ArrayList<>();
        for (PairFiles f : list(folder)) {
            pairs.add(read(f));
        }
        return pairs;
    }

    /** One pair's images, read with {@link Images#read(Path)}. */
    public static ExamplePair read(PairFiles files) {
        return new ExamplePair(Images.read(files.input()), Images.read(files.target()));
    }

    private static InvalidRequestException refused(Path folder, String what) {
        return InvalidRequestException.described("examples folder", "a folder of NAME" + INPUT + " / NAME" + TARGET
                + " pairs", folder + " (" + what + ")");
    }
}
