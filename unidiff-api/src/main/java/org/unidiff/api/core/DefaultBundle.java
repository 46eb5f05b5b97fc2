package org.unidiff.api.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.unidiff.runtime.BundleResources;

/**
 * Finds the bundled default model (the shapes-world model trained by this project).
 *
 * <p>Looked up in this order: the system property {@value #PROPERTY}, the environment variable
 * {@value #ENV}, then {@value #REPO_PATH} in the working directory or any parent of it, or in the
 * checkout named by {@value #CHECKOUT_PROPERTY} (so the examples and tests run from a checkout without
 * a download), then the classpath resources
 * {@value #RESOURCE_ROOT} of the {@code unidiff-default-model} artifact (a dependency of this
 * module), copied once to a per-user cache folder (see {@link BundleResources}).
 */
public final class DefaultBundle {

    /** System property naming a bundle directory. */
    public static final String PROPERTY = "unidiff.bundle";
    /** Environment variable naming a bundle directory. */
    public static final String ENV = "UNIDIFF_BUNDLE";
    /**
     * System property naming a checkout's root: the {@code ./unidiff} launcher sets it, so that the apps find the
     * checkout's committed bundles when started from another directory.
     */
    public static final String CHECKOUT_PROPERTY = "unidiff.checkout";
    /** Where the default bundle lives in the repository. */
    public static final String REPO_PATH = "models/default/bundle";
    /** Where the {@code unidiff-default-model} jar keeps the default bundle. */
    public static final String RESOURCE_ROOT = "unidiff/default-bundle";

    /** Parents searched for a committed bundle: bounds the walk up the file system. */
    private static final int MAX_PARENTS = 64;

    private DefaultBundle() {
    }

    /**
     * The default bundle's directory.
     *
     * @throws IllegalStateException naming every place looked at, if none holds a bundle
     */
    public static Path locate() {
        Optional<Path> configured = configuredBundle();
        if (configured.isPresent()) {
            return configured.get();
        }
        List<String> tried = new ArrayList<>();
        tried.add("system property " + PROPERTY + " (unset)");
        tried.add("environment variable " + ENV + " (unset)");
        Optional<Path> inCheckout = inCheckout(REPO_PATH);
        if (inCheckout.isPresent()) {
            return inCheckout.get();
        }
        tried.add(REPO_PATH + " in the working directory, its parents and -D" + CHECKOUT_PROPERTY);
        Optional<Path> packaged = BundleResources.directory(RESOURCE_ROOT, DefaultBundle.class.getClassLoader());
        if (packaged.isPresent()) {
            return packaged.get();
        }
        tried.add("classpath resource " + RESOURCE_ROOT + " (no unidiff-default-model jar)");
        throw new IllegalStateException("no default bundle found; looked at: " + String.join(", ", tried)
                + ". Set -D" + PROPERTY + "=<bundle dir> or " + ENV + ".");
    }

    /** Whether the system property {@value #PROPERTY} or the variable {@value #ENV} names a bundle. */
    public static boolean configured() {
        return configuredBundle().isPresent();
    }

    /** The bundle {@value #PROPERTY} names, else the one {@value #ENV} names, if either is set. */
    private static Optional<Path> configuredBundle() {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return Optional.of(Path.of(property));
        }
        String env = System.getenv(ENV);
        return env != null && !env.isBlank() ? Optional.of(Path.of(env)) : Optional.empty();
    }

    /**
     * {@code relative} in the working directory or the nearest parent that holds a bundle there, else in the
     * checkout named by {@value #CHECKOUT_PROPERTY}: how a checkout's committed bundles are found without a flag.
     */
    public static Optional<Path> inCheckout(String relative) {
        Path dir = Path.of("").toAbsolutePath();
        for (int depth = 0; dir != null && depth < MAX_PARENTS; depth++, dir = dir.getParent()) {
            if (holdsBundle(dir.resolve(relative))) {
                return Optional.of(dir.resolve(relative));
            }
        }
        String checkout = System.getProperty(CHECKOUT_PROPERTY);
        if (checkout != null && !checkout.isBlank() && holdsBundle(Path.of(checkout, relative))) {
            return Optional.of(Path.of(checkout, relative));
        }
        return Optional.empty();
    }

    private static boolean holdsBundle(Path dir) {
        return Files.isRegularFile(dir.resolve("unidiff.json"));
    }

    /** Whether {@link #locate()} would succeed. */
    public static boolean available() {
        try {
            return Files.isRegularFile(locate().resolve("unidiff.json"));
        } catch (IllegalStateException e) {
            return false;
        }
    }

    static Path checked(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new IOException("bundle directory " + directory + " does not exist");
        }
        return directory;
    }
}
