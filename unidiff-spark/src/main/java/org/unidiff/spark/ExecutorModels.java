package org.unidiff.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unidiff.api.core.DefaultBundle;
import org.unidiff.api.Unidiff;
import org.unidiff.api.core.UnidiffOptions;

/**
 * One {@link Unidiff} per bundle (and variant) per executor JVM, opened by the first task that needs it and
 * shared by every later task of that JVM ({@code Unidiff} is thread-safe), closed when the JVM
 * exits. Opening a bundle loads and validates six ONNX sessions, far too slow to repeat per task.
 */
final class ExecutorModels {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);

    private static final Map<UnidiffOptions, Unidiff> OPEN = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorModels::closeAll, "unidiff-spark-close"));
    }

    private ExecutorModels() {
    }

    /** The shared instance for the bundle and variant named in the job options, opened on first use. */
    static Unidiff forJob(SparkJobOptions options) {
        return OPEN.computeIfAbsent(options(options), o -> {
            LOG.info("opening model bundle {}{} in this executor", o.bundle(),
                    o.variant() == null ? "" : " (variant " + o.variant() + ")");
            return Unidiff.open(o);
        });
    }

    /**
     * How the job's model opens on this machine: its bundle located here, its variant, and the
     * threads and device of the current task ({@link ExecutorResources}); the cache key, so tasks
     * on different GPUs of one executor get their own model.
     */
    static UnidiffOptions options(SparkJobOptions options) {
        return new UnidiffOptions(locate(options.bundle()), ExecutorResources.forCurrentTask(options),
                options.variant());
    }

    /**
     * Where the bundle is on this machine: null means the default bundle; a path that exists is
     * used as it is; otherwise the name of a directory shipped with the job ({@code --archives
     * bundle.zip#NAME} or {@code --files}), looked up in the task's working directory and in
     * Spark's file root.
     */
    static Path locate(String bundle) {
        if (bundle == null || bundle.isBlank()) {
            return DefaultBundle.locate().toAbsolutePath().normalize();
        }
        Path given = Path.of(bundle);
        if (Files.isRegularFile(given.resolve("unidiff.json"))) {
            return given.toAbsolutePath().normalize();
        }
        Path shipped = null;
        if (!given.isAbsolute()) {
            try {
                shipped = Path.of(SparkFiles.get(bundle));
            } catch (RuntimeException e) {
                // No SparkContext in this JVM (plain Java use): only the path as given counts.
                shipped = null;
            }
        }
        if (shipped != null && Files.isRegularFile(shipped.resolve("unidiff.json"))) {
            return shipped.toAbsolutePath().normalize();
        }
        throw new IllegalStateException("model bundle '" + bundle + "' not found on this executor: expected a "
                + "directory holding unidiff.json at that path" + (shipped == null ? "" : " or at " + shipped
                + " (files shipped with the job)") + "; give a path every executor sees, or ship the bundle "
                + "with spark-submit --archives bundle.zip#" + given.getFileName());
    }

    private static void closeAll() {
        for (Unidiff u : OPEN.values()) {
            u.close();
        }
        OPEN.clear();
    }
}
