package org.unidiff.spark;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.core.UnidiffOptions;

/**
 * The settings of one Spark job, sent with the job's tasks to every executor.
 *
 * @param bundle    the model bundle directory as every executor sees it (a shared path, or a
 *                  relative name of a directory shipped with {@code --archives}); null for the
 *                  bundled default model found by {@link org.unidiff.api.core.DefaultBundle}
 * @param variant   the bundle's model-file variant to load where declared (e.g. {@code "int8"}), or
 *                  null for the main files ({@link org.unidiff.api.core.UnidiffOptions#withVariant(String)})
 * @param jobSeed   the job seed: each row's seed is {@code RowSeeds.of(jobSeed, rowKey)}
 * @param steps     solver steps, or null for the bundle default
 * @param guidance  guidance scale, or null for the bundle default
 * @param batchSize how many rows of a partition go into one {@code runAll} call, 1 to
 *                  {@value #MAX_BATCH}
 * @param hook      called after each batch's outputs are written ({@link TaskHook#NONE} in jobs;
 *                  tests use it to make a task fail and be retried)
 * @param threads   ONNX Runtime intra-op threads per executor model, or null for the task's
 *                  {@code spark.task.cpus} (so executors of 1 core do not each use every core of
 *                  the host); see {@link ExecutorResources}
 * @param device    {@code cpu}, or {@code cuda} for the GPU Spark assigned to the task
 *                  ({@code spark.task.resource.gpu.amount}); null means cpu
 * @param strict    a prompt with words the model does not know is an error row (otherwise it runs,
 *                  and the row's {@code warning} names the words)
 */
public record SparkJobOptions(String bundle, String variant, long jobSeed, Integer steps, Double guidance,
                              int batchSize, TaskHook hook, Integer threads, String device, boolean strict)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The largest batch: bounds the rows (and their decoded images) a task holds at once. */
    public static final int MAX_BATCH = 256;

    /** The default batch: enough rows to fill the engine's solves without holding many images. */
    public static final int DEFAULT_BATCH = 16;

    /** Checks the values. */
    public SparkJobOptions {
        if (batchSize < 1 || batchSize > MAX_BATCH) {
            throw new IllegalArgumentException("batchSize must be from 1 to " + MAX_BATCH + ", got " + batchSize);
        }
        // Checked here, on the driver, by the library's own rules, so a bad value fails the job
        // before any task starts.
        new SamplingOptions(jobSeed, steps, null, guidance, 1, null);
        UnidiffOptions.defaults().withVariant(variant);
        hook = hook == null ? TaskHook.NONE : hook;
        if (threads != null && (threads < 1 || threads > ExecutorResources.MAX_THREADS)) {
            throw new IllegalArgumentException("threads must be from 1 to " + ExecutorResources.MAX_THREADS
                    + ", got " + threads);
        }
        device = ExecutorResources.device(device);
    }

    /** A copy with another thread count per executor model (null: spark.task.cpus). */
    public SparkJobOptions withThreads(Integer newThreads) {
        return new SparkJobOptions(bundle, variant, jobSeed, steps, guidance, batchSize, hook, newThreads, device, strict);
    }

    /** A copy that makes unknown prompt words errors ({@code true}) or warnings. */
    public SparkJobOptions withStrict(boolean newStrict) {
        return new SparkJobOptions(bundle, variant, jobSeed, steps, guidance, batchSize, hook, threads, device, newStrict);
    }

    /** A copy on another device: {@code cpu} or {@code cuda} (the task's GPU). */
    public SparkJobOptions withDevice(String newDevice) {
        return new SparkJobOptions(bundle, variant, jobSeed, steps, guidance, batchSize, hook, threads, newDevice, strict);
    }

    /** The default bundle, job seed 0, bundle defaults for steps and guidance, batches of {@value #DEFAULT_BATCH}. */
    public static SparkJobOptions defaults() {
        return new SparkJobOptions(null, null, 0L, null, null, DEFAULT_BATCH, TaskHook.NONE, null, "cpu", false);
    }

    /** A copy that opens another bundle directory. */
    public SparkJobOptions withBundle(String directory) {
        return new SparkJobOptions(directory, variant, jobSeed, steps, guidance, batchSize, hook, threads, device, strict);
    }

    /** A copy that loads the bundle's variant {@code name} where declared (null: the main files). */
    public SparkJobOptions withVariant(String name) {
        return new SparkJobOptions(bundle, name, jobSeed, steps, guidance, batchSize, hook, threads, device, strict);
    }

    /** A copy with another job seed. */
    public SparkJobOptions withJobSeed(long seed) {
        return new SparkJobOptions(bundle, variant, seed, steps, guidance, batchSize, hook, threads, device, strict);
    }

    /** A copy with another step count. */
    public SparkJobOptions withSteps(Integer newSteps) {
        return new SparkJobOptions(bundle, variant, jobSeed, newSteps, guidance, batchSize, hook, threads, device, strict);
    }

    /** A copy with another guidance scale. */
    public SparkJobOptions withGuidance(Double newGuidance) {
        return new SparkJobOptions(bundle, variant, jobSeed, steps, newGuidance, batchSize, hook, threads, device, strict);
    }

    /** A copy with another batch size. */
    public SparkJobOptions withBatchSize(int rows) {
        return new SparkJobOptions(bundle, variant, jobSeed, steps, guidance, rows, hook, threads, device, strict);
    }

    /** A copy with another hook. */
    public SparkJobOptions withHook(TaskHook newHook) {
        return new SparkJobOptions(bundle, variant, jobSeed, steps, guidance, batchSize, newHook, threads, device, strict);
    }

    /**
     * A request (as the registry's tasks read JSON) holding a row's sampling fields: {@code seed},
     * and this job's {@code steps} and {@code guidanceScale} where set. The job adds the task's own fields.
     */
    ObjectNode request(long rowSeed) {
        ObjectNode json = TaskBatch.newRequest();
        json.put("seed", rowSeed);
        if (steps != null) {
            json.put("steps", steps);
        }
        if (guidance != null) {
            json.put("guidanceScale", guidance);
        }
        return json;
    }

    /** The sampling options of a row with the given seed: this job's steps and guidance, one output. */
    public SamplingOptions sampling(long rowSeed) {
        return new SamplingOptions(rowSeed, steps, null, guidance, 1, null);
    }
}
