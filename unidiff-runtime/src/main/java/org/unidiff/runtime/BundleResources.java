package org.unidiff.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model bundle shipped as classpath resources (inside a jar, e.g. {@code unidiff-default-model}),
 * made into a directory that {@link Bundle#load} can open: ONNX Runtime opens models by file path
 * (external weight files must sit beside them), so the resources are copied out once.
 *
 * <p>The copy goes to the folder named by the system property {@value #CACHE_PROPERTY}, else
 * {@code $XDG_CACHE_HOME/unidiff}, else {@code ~/.cache/unidiff}, in a folder
 * named after a hash of the bundle's content, so a new model version gets a new folder and an
 * unchanged one is reused by every later run. Each copy is made in a private folder and renamed
 * into place atomically, so concurrent first runs never see half a bundle. Where the cache cannot
 * be written, the copy goes to a temporary folder removed when the JVM exits.
 */
public final class BundleResources {

    /** Environment variable naming the cache base directory (XDG convention). */
    public static final String CACHE_ENV = "XDG_CACHE_HOME";
    /** System property naming the cache directory itself (wins over {@value #CACHE_ENV}). */
    public static final String CACHE_PROPERTY = "unidiff.cache.dir";
    private static final Logger LOG = LoggerFactory.getLogger(BundleResources.class);
    private static final String MANIFEST = "unidiff.json";
    private static final String COMPLETE = ".complete";

    private BundleResources() {
    }

    /**
     * The directory of the bundle under resource folder {@code root} (which holds {@value #MANIFEST}),
     * copied out of the classpath if needed; empty if no such resource is on the classpath.
     *
     * @param root   resource folder without leading slash, e.g. {@code "unidiff/default-bundle"}
     * @param loader the class loader to look in
     * @throws UncheckedIOException if the resources exist but cannot be read or copied anywhere
     */
    public static synchronized Optional<Path> directory(String root, ClassLoader loader) {
        URL manifest = loader.getResource(root + "/" + MANIFEST);
        if (manifest == null) {
            return Optional.empty();
        }
        try {
            if ("file".equals(manifest.getProtocol())) {
                // Classes run from a build folder: the resources already are a directory.
                return Optional.of(Path.of(manifest.toURI()).getParent());
            }
            URI uri = manifest.toURI();
            FileSystem jar;
            boolean opened = true;
            try {
                jar = FileSystems.newFileSystem(uri, Map.of());
            } catch (FileSystemAlreadyExistsException alreadyOpen) {
                jar = FileSystems.getFileSystem(uri);
                opened = false;
            }
            try {
                return Optional.of(copyOut(jar.provider().getPath(uri).getParent()));
            } finally {
                if (opened) {
                    jar.close();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the bundle resources " + root + " out of " + manifest, e);
        } catch (URISyntaxException | RuntimeException e) {
            throw new UncheckedIOException(new IOException("cannot read the bundle resources at " + manifest, e));
        }
    }

    private static Path copyOut(Path source) throws IOException {
        List<Path> files = files(source);
        String hash = contentHash(source, files);
        Path cache = cacheBase().resolve("bundle-" + hash);
        if (Files.isRegularFile(cache.resolve(COMPLETE))) {
            return cache;
        }
        try {
            Files.createDirectories(cache.getParent());
            Path staging = Files.createTempDirectory(cache.getParent(), "bundle-" + hash + ".partial-");
            copy(source, files, staging);
            Files.createFile(staging.resolve(COMPLETE));
            try {
                Files.move(staging, cache, StandardCopyOption.ATOMIC_MOVE);
                LOG.info("bundle resources copied to {}", cache);
            } catch (IOException raced) {
                delete(staging);
                // Another process finished the same copy first: theirs is identical.
                if (!Files.isRegularFile(cache.resolve(COMPLETE))) {
                    throw raced;
                }
            }
            return cache;
        } catch (IOException e) {
            Path temp = Files.createTempDirectory("unidiff-bundle-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(temp), "unidiff-bundle-cleanup"));
            copy(source, files, temp);
            LOG.warn("cannot cache the bundle in {} ({}); using {} until exit", cache, e.getMessage(), temp);
            return temp;
        }
    }

    private static Path cacheBase() {
        String property = System.getProperty(CACHE_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String xdg = System.getenv(CACHE_ENV);
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("unidiff");
    }

    private static List<Path> files(Path source) throws IOException {
        try (Stream<Path> walk = Files.walk(source)) {
            return walk.filter(Files::isRegularFile).sorted(Comparator.comparing(p -> source.relativize(p).toString()))
                    .toList();
        }
    }

    /** SHA-256 of every file's relative name and bytes, in name order; 16 hex digits. */
    private static String contentHash(Path source, List<Path> files) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (Path file : files) {
                digest.update(source.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                try (InputStream in = Files.newInputStream(file)) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        digest.update(buffer, 0, n);
                    }
                }
            }
            return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static void copy(Path source, List<Path> files, Path target) throws IOException {
        for (Path file : files) {
            Path to = target.resolve(source.relativize(file).toString());
            Files.createDirectories(to.getParent());
            Files.copy(file, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(walk.toList());
            all.sort(Comparator.reverseOrder());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.debug("cannot delete {}", dir, e);
        }
    }
}
