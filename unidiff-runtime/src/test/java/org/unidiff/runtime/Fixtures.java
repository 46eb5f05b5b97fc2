package org.unidiff.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** Paths to the fixture bundle written by {@code src/test/python/make_fixtures.py}. */
public final class Fixtures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    /** The tiny fixture bundle (read-only: copy it before changing anything). */
    public static Path tinyBundle() {
        return resource("/bundles/tiny");
    }

    /** A model of {@code bundles/bad-models}. */
    public static Path badModel(String fileName) {
        return resource("/bundles/bad-models/" + fileName);
    }

    /** Copies the tiny bundle into {@code dir} and returns the copy. */
    public static Path copyTinyBundle(Path dir) {
        Path source = tinyBundle();
        Path target = dir.resolve("tiny");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path dest = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /** The tiny bundle's manifest as a mutable JSON tree. */
    public static ObjectNode tinyManifestTree() {
        try {
            return (ObjectNode) JSON.readTree(tinyBundle().resolve("unidiff.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a manifest tree as a bundle's {@code unidiff.json}. */
    public static void writeManifest(Path bundle, JsonNode tree) {
        try {
            JSON.writerWithDefaultPrettyPrinter().writeValue(bundle.resolve("unidiff.json").toFile(), tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Serializes a JSON tree. */
    public static String toJson(JsonNode tree) {
        try {
            return JSON.writeValueAsString(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses JSON text into a tree. */
    public static JsonNode parseJson(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A test resource as a path. */
    public static Path resource(String name) {
        try {
            var url = Fixtures.class.getResource(name);
            if (url == null) {
                throw new IllegalStateException("test resource " + name
                        + " is missing; run /usr/bin/python3 src/test/python/make_fixtures.py");
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
