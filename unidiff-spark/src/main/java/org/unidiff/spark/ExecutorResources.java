package org.unidiff.spark;

import java.util.List;
import java.util.Locale;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.unidiff.runtime.ort.CpuThreads;
import org.unidiff.runtime.ort.CudaOptions;
import org.unidiff.runtime.ort.ExecutionConfig;
import org.unidiff.runtime.ort.OrtRuntime;

/**
 * How an executor's model runs, from what Spark gave the task: CPU threads from
 * {@code spark.task.cpus} (or the job's {@code --threads}), and on {@code cuda} the GPU Spark
 * assigned the task ({@code spark.task.resource.gpu.amount}; its address is the CUDA device
 * ordinal). So a host with several 1-core executors does not run each one's ONNX Runtime on every
 * core, and tasks on a multi-GPU host each use their own GPU.
 */
final class ExecutorResources {

    /** The most threads one executor model may be given. */
    static final int MAX_THREADS = 256;

    private ExecutorResources() {
    }

    /** The device named, normalised: {@code cpu} (also for null) or {@code cuda}. */
    static String device(String device) {
        String d = device == null ? "cpu" : device.strip().toLowerCase(Locale.ROOT);
        if (!d.equals("cpu") && !d.equals("cuda")) {
            throw new IllegalArgumentException("device must be cpu or cuda, got '" + device + "'");
        }
        return d;
    }

    /** The execution of the current task (its cpus and GPU), for the job's options. */
    static ExecutionConfig forCurrentTask(SparkJobOptions options) {
        TaskContext task = TaskContext.get();
        // Outside a task (the driver, plain Java use) nothing was assigned: no preference (0).
        int cpus = task == null ? 0 : task.cpus();
        List<String> gpus = List.of();
        if (task != null && task.resources().contains("gpu")) {
            ResourceInformation gpu = task.resources().apply("gpu");
            gpus = List.of(gpu.addresses());
        }
        ExecutionConfig planned = plan(options.threads(), cpus, options.device(), gpus);
        // ONNX Runtime fixes its pools per process at the first model: in local mode (driver and
        // executor one JVM) or beside the user's own models, adopt the pools already running.
        java.util.Optional<CpuThreads> running = OrtRuntime.threadsInUse();
        if (running.isPresent() && !running.get().equals(planned.threads())) {
            return planned.withThreads(running.get());
        }
        return planned;
    }

    /**
     * The execution for a task with {@code taskCpus} CPUs and the GPU addresses Spark assigned it.
     *
     * @param threads the job's thread option, or null to follow {@code taskCpus}
     * @param taskCpus the CPUs Spark gave the task, or 0 outside a task (then ONNX Runtime's default)
     * @throws IllegalStateException when cuda is asked for and the task has no GPU, naming the settings
     */
    static ExecutionConfig plan(Integer threads, int taskCpus, String device, List<String> gpuAddresses) {
        CpuThreads pools = threads != null ? new CpuThreads(threads, 1)
                : taskCpus > 0 ? new CpuThreads(taskCpus, 1) : CpuThreads.runtimeDefault();
        if (device(device).equals("cpu")) {
            return ExecutionConfig.cpu().withThreads(pools);
        }
        if (gpuAddresses.isEmpty()) {
            throw new IllegalStateException("--device cuda, but Spark assigned this task no GPU: set "
                    + "spark.task.resource.gpu.amount=1, spark.executor.resource.gpu.amount and a GPU discovery "
                    + "script (spark.executor.resource.gpu.discoveryScript) on the workers");
        }
        int ordinal;
        try {
            ordinal = Integer.parseInt(gpuAddresses.get(0).strip());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("the GPU address Spark assigned, '" + gpuAddresses.get(0)
                    + "', is not a CUDA device ordinal (the discovery script must list ordinals such as 0, 1)", e);
        }
        return ExecutionConfig.cuda(CudaOptions.defaults().withDevice(ordinal)).withThreads(pools);
    }
}
