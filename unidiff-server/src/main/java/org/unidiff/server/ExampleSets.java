package org.unidiff.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.unidiff.api.InContextRequest;
import org.unidiff.api.InvalidImageException;
import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.files.ExampleFolder;
import org.unidiff.api.files.Images;

/**
 * The example folders a server offers with one in-context model ({@code serve --examples
 * NAME=DIR}): each subfolder of DIR that holds {@code NAME_input.png} / {@code NAME_target.png}
 * pairs ({@link ExampleFolder}) is a set the page can fill a request's {@code examples} with. Each
 * set is kept as the JSON the page reads ({@code {"name", "examples": [{"input", "output"}]}},
 * PNGs in base64, the request's own field names), read and checked once at start and bounded in
 * bytes, so serving one is handing out bytes.
 */
public final class ExampleSets {

    /** Most bytes of PNG files all sets of one model may hold. */
    public static final long MAX_BYTES = 16L << 20;

    /** Most sets one model may offer. */
    public static final int MAX_SETS = 256;

    private static final ExampleSets NONE = new ExampleSets(Map.of());

    private final Map<String, byte[]> documents;

    private ExampleSets(Map<String, byte[]> documents) {
        this.documents = documents;
    }

    /** No sets. */
    public static ExampleSets none() {
        return NONE;
    }

    /**
     * The sets under {@code dir}: every subfolder, in name order, must be an example folder of at
     * most {@link InContextRequest#MAX_EXAMPLES} readable pairs.
     *
     * @throws IllegalArgumentException naming the folder or file at fault: not a folder, no
     *                                  subfolder, a subfolder that is not an example folder, too many
     *                                  pairs, a file that is not an image, more than {@link #MAX_SETS}
     *                                  sets or {@link #MAX_BYTES} bytes
     * @throws IOException              if a folder cannot be listed or a file read
     */
    public static ExampleSets read(Path dir, ObjectMapper mapper) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--examples: " + dir + " is not a folder (expected a folder of "
                    + "example folders, such as models/incontext/examples)");
        }
        List<Path> folders = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path p : entries) {
                if (folders.size() == MAX_SETS) {
                    throw new IllegalArgumentException("--examples: " + dir + " holds more than " + MAX_SETS
                            + " example folders");
                }
                folders.add(p);
            }
        }
        if (folders.isEmpty()) {
            throw new IllegalArgumentException("--examples: " + dir + " holds no example folder (subfolders of "
                    + "NAME_input.png / NAME_target.png pairs)");
        }
        Collections.sort(folders);
        Map<String, byte[]> documents = new LinkedHashMap<>();
        long bytes = 0;
        for (Path folder : folders) {
            List<ExampleFolder.PairFiles> pairs;
            try {
                pairs = ExampleFolder.list(folder);
            } catch (InvalidRequestException e) {
                throw new IllegalArgumentException("--examples: " + e.getMessage(), e);
            }
            if (pairs.size() > InContextRequest.MAX_EXAMPLES) {
                throw new IllegalArgumentException("--examples: " + folder + " holds " + pairs.size()
                        + " pairs; a request takes at most " + InContextRequest.MAX_EXAMPLES);
            }
            ObjectNode doc = mapper.createObjectNode().put("name", folder.getFileName().toString());
            ArrayNode examples = doc.putArray("examples");
            for (ExampleFolder.PairFiles pair : pairs) {
                ObjectNode e = examples.addObject();
                for (Path file : new Path[] {pair.input(), pair.target()}) {
                    long size = Files.size(file);
                    bytes += size;
                    if (bytes > MAX_BYTES) {
                        throw new IllegalArgumentException("--examples: the folders under " + dir + " hold more than "
                                + MAX_BYTES + " bytes of images");
                    }
                    byte[] png = Files.readAllBytes(file);
                    try {
                        Images.read(file.toString(), png);   // refused here, at start, not when a page asks
                    } catch (InvalidImageException ex) {
                        throw new IllegalArgumentException("--examples: " + ex.getMessage(), ex);
                    }
                    e.put(file == pair.input() ? "input" : "output", Base64.getEncoder().encodeToString(png));
                }
            }
            documents.put(folder.getFileName().toString(), mapper.writeValueAsBytes(doc));
        }
        return new ExampleSets(Collections.unmodifiableMap(documents));
    }

    /** The sets' names, in order. */
    public List<String> names() {
        return List.copyOf(documents.keySet());
    }

    /** The set's JSON document, if there is one by that name. */
    public Optional<byte[]> document(String name) {
        return Optional.ofNullable(documents.get(name));
    }

    /** Whether there is no set. */
    public boolean isEmpty() {
        return documents.isEmpty();
    }
}
