package org.unidiff.spark;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The Spark applications: {@code run} (a table of requests for any registered task), and
 * {@code caption}, {@code generate}, {@code vary} (its uses with columns of their own). Run by {@code ./unidiff spark ...} on {@code local[*]}, or by
 * {@code spark-submit --class org.unidiff.spark.SparkCli JAR caption ...} on a cluster, where the
 * master comes from spark-submit.
 *
 * <p>Exit codes: 0 success (rows with errors included: they are in the table), 2 bad usage or
 * settings, 1 a failed job.
 */
@Command(name = "unidiff spark", mixinStandardHelpOptions = true,
        description = "Caption, generate or vary whole collections with Apache Spark.",
        subcommands = {SparkCli.Caption.class, SparkCli.Generate.class, SparkCli.Vary.class, SparkCli.Requests.class,
            CommandLine.HelpCommand.class})
public final class SparkCli implements Runnable {

    private SparkCli() {
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams and returns the exit code, without exiting. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new SparkCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            command.getErr().println(command.getCommandSpec().qualifiedName() + ": error: " + describe(e));
            // Settings and columns are checked on the driver and throw IllegalArgumentException or the
            // library's refusal of a request or image: the user's input, like bad usage.
            return e instanceof IllegalArgumentException || e instanceof org.unidiff.api.core.InvalidRequestException
                    || e instanceof org.unidiff.api.InvalidImageException ? 2 : 1;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this),
                "Missing subcommand: one of run, caption, generate, vary");
    }

    /** The message of an exception and of its causes. */
    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        int depth = 0;
        for (Throwable t = e.getCause(); t != null && depth < 8; t = t.getCause(), depth++) {
            if (t.getMessage() != null && !sb.toString().contains(t.getMessage())) {
                sb.append(" (caused by: ").append(t.getMessage()).append(')');
            }
        }
        return sb.toString();
    }

    /**
     * A session for a command: {@code master} if given, else spark-submit's, else {@code local[*]}.
     */
    static SparkSession session(String name, String master) {
        SparkSession.Builder builder = SparkSession.builder().appName("unidiff " + name);
        String fromSubmit = new SparkConf().get("spark.master", null);
        if (master != null) {
            builder.master(master);
        } else if (fromSubmit == null) {
            builder.master("local[*]");
        }
        return builder.getOrCreate();
    }

    /** Options every job takes. */
    static final class JobArgs {
        @Option(names = "--output", required = true, paramLabel = "DIR",
                description = "Where the results go (a path every executor and the driver can write).")
        String output;

        @Option(names = "--bundle", paramLabel = "DIR", description = "Model bundle directory as the executors "
                + "see it, or the name of a folder shipped with --archives. Default: the bundled model.")
        String bundle;

        @Option(names = "--variant", paramLabel = "NAME", description = "The bundle's model-file variant to load "
                + "where it declares one (the default model has int8: an int8 transformer, ~0.7x the time a step). "
                + "Default: the main files.")
        String variant;

        @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
                description = "Job seed; a row's seed is RowSeeds.of(seed, row key). Default: ${DEFAULT-VALUE}.")
        long seed;

        @Option(names = "--steps", paramLabel = "N", description = "Solver steps. Default: the bundle's.")
        Integer steps;

        @Option(names = "--guidance", paramLabel = "S", description = "Guidance scale. Default: the bundle's.")
        Double guidance;

        @Option(names = "--batch", paramLabel = "N", defaultValue = "" + SparkJobOptions.DEFAULT_BATCH,
                description = "Rows per engine call within a task, 1 to " + SparkJobOptions.MAX_BATCH
                        + ". Default: ${DEFAULT-VALUE}.")
        int batch;

        @Option(names = "--partitions", paramLabel = "N", defaultValue = "0",
                description = "Repartition the input into N partitions (0: keep the source's). Results do not "
                        + "depend on it.")
        int partitions;

        @Option(names = "--threads", paramLabel = "N", description = "ONNX Runtime threads of each executor's "
                + "model. Default: spark.task.cpus (1 unless set), so executors sharing a host share its cores.")
        Integer threads;

        @Option(names = "--device", paramLabel = "cpu|cuda", defaultValue = "cpu", description = "cpu (default), or "
                + "cuda: each task runs on the GPU Spark assigned it (spark.task.resource.gpu.amount=1 and a GPU "
                + "discovery script on the workers; the cluster jar built with -Pcuda).")
        String device;

        @Option(names = "--strict", description = "A prompt with words the model does not know is an error row "
                + "(default: it runs, and the index's warning column names the words).")
        boolean strict;

        @Option(names = "--mode", paramLabel = "MODE", defaultValue = "error",
                description = "What to do when the output exists (Spark's save modes): error (default; nothing is "
                        + "touched), overwrite (the output folder is replaced entirely), append (results are added), "
                        + "ignore (nothing runs). An output that is, holds or lies inside an input is always refused.")
        String mode;

        @Option(names = "--master", paramLabel = "URL",
                description = "Spark master. Default: spark-submit's, else local[*].")
        String master;

        SaveMode saveMode() {
            return JobOutput.parseMode(mode);
        }

        SparkJobOptions options() {
            // The flags every front end shares are checked by the shared rules; Spark's own bound on
            // threads per executor and its device (the GPU Spark assigns) are SparkJobOptions'.
            org.unidiff.options.ExecutionFlags.checkVariant(variant);
            org.unidiff.options.ExecutionFlags.checkThreads(threads);
            return new SparkJobOptions(bundle, variant, seed, steps, guidance, batch, TaskHook.NONE, threads, device, strict);
        }
    }

    /** What every job command shares: the job's options, its Spark session (named after the command) and the summary line. */
    abstract static class JobCommand implements Callable<Integer> {
        @Mixin
        JobArgs job;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        /** Runs the job in {@code spark}. */
        abstract JobSummary run(SparkSession spark, SparkJobOptions options);

        @Override
        public final Integer call() throws java.io.IOException {
            SparkJobOptions options = job.options();
            job.saveMode();   // a bad mode is a usage error before Spark starts
            try (SparkSession spark = session(spec.name(), job.master)) {
                report(spec, run(spark, options));
            }
            return 0;
        }
    }

    /** {@code caption INPUT --output DIR}. */
    @Command(name = "caption", mixinStandardHelpOptions = true,
            description = "Images (a folder or glob) to a Parquet table: path, seed, caption, parameters, error.")
    static final class Caption extends JobCommand {
        @Parameters(paramLabel = "INPUT", description = "A folder or glob of images, e.g. 'data/*.png'.")
        String input;

        @Override
        JobSummary run(SparkSession spark, SparkJobOptions options) {
            return CaptionJob.run(spark, input, job.output, job.partitions, options, job.saveMode());
        }
    }

    /** {@code generate PROMPTS --output DIR}. */
    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = {"Prompts (CSV with header, JSON lines or Parquet; columns prompt and optional key, seed, "
                    + "steps, guidance, outputs) to PNG files in DIR/images and a Parquet index in DIR/index."})
    static final class Generate extends JobCommand {
        @Parameters(paramLabel = "PROMPTS", description = "The prompt table: .csv, .json/.jsonl, .parquet or a "
                + "Parquet folder.")
        String input;

        @Override
        JobSummary run(SparkSession spark, SparkJobOptions options) {
            return GenerateJob.run(spark, input, job.output, job.partitions, options, job.saveMode());
        }
    }

    /** {@code vary INPUT --output DIR}. */
    @Command(name = "vary", mixinStandardHelpOptions = true,
            description = "Images (a folder or glob) to variations in DIR/images and a Parquet index in DIR/index.")
    static final class Vary extends JobCommand {
        @Parameters(paramLabel = "INPUT", description = "A folder or glob of images.")
        String input;

        @Override
        JobSummary run(SparkSession spark, SparkJobOptions options) {
            return VaryJob.run(spark, input, job.output, job.partitions, options, job.saveMode());
        }
    }

    /** {@code run REQUESTS --output DIR}: any registered task. */
    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Requests for any task (CSV with header, JSON lines or Parquet; columns task, request (a JSON "
                    + "object as the HTTP API takes it, image fields as paths) and optional key) to files in DIR/images "
                    + "and a Parquet table in DIR/index: row_key, task, seed, files, texts, numbers, parameters, error."})
    static final class Requests extends JobCommand {
        @Parameters(paramLabel = "REQUESTS", description = "The request table: .csv, .json/.jsonl, .parquet or a "
                + "Parquet folder.")
        String input;

        @Override
        JobSummary run(SparkSession spark, SparkJobOptions options) {
            return RequestsJob.run(spark, input, job.output, job.partitions, options, job.saveMode());
        }
    }

    private static void report(CommandLine.Model.CommandSpec spec, JobSummary summary) {
        if (summary.skipped()) {
            spec.commandLine().getOut().println(summary.output() + " exists; nothing ran (--mode ignore)");
            return;
        }
        spec.commandLine().getOut().println(summary.rows() + " rows (" + summary.errors() + " with an error) in "
                + summary.output());
    }
}
