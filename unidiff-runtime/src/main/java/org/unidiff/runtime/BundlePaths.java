package org.unidiff.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Resolves manifest paths inside a bundle, refusing any that leave it (by {@code ..}, absolute paths or symbolic links). */
final class BundlePaths {

    private final String bundle;
    private final Path root;

    /**
     * @param bundle the bundle's name for messages
     * @param root   the bundle directory, already a real path
     */
    BundlePaths(String bundle, Path root) {
        this.bundle = bundle;
        this.root = root;
    }

    /** The real path of the regular file {@code relative} names, which must lie inside the bundle. */
    Path resolveFile(String relative, String component, String field) {
        Path rel;
        try {
            rel = Path.of(relative);
        } catch (InvalidPathException e) {
            throw new BundleException(bundle, component, field, "a valid relative path", "'" + relative + "'", e);
        }
        if (rel.isAbsolute() || relative.startsWith("/") || relative.startsWith("\\")) {
            throw new BundleException(bundle, component, field, "a path relative to the bundle",
                    "the absolute path '" + relative + "'");
        }
        Path lexical = root.resolve(rel).normalize();
        if (!lexical.startsWith(root)) {
            throw new BundleException(bundle, component, field, "a path inside the bundle",
                    "'" + relative + "', which leaves it through '..'");
        }
        if (!Files.exists(lexical)) {
            throw new BundleException(bundle, component, field, "an existing file", "no such file: " + lexical);
        }
        Path real;
        try {
            real = lexical.toRealPath();
        } catch (IOException e) {
            throw new BundleException(bundle, component, field, "a readable file", e.toString(), e);
        }
        if (!real.startsWith(root)) {
            throw new BundleException(bundle, component, field, "a file inside the bundle",
                    "'" + relative + "', a symbolic link to " + real + " outside it");
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new BundleException(bundle, component, field, "a regular file", "a directory or special file: " + real);
        }
        return real;
    }
}
