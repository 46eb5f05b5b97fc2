package org.unidiff.spark;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.row_number;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.unidiff.api.RowSeeds;
import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.core.Task;
import org.unidiff.api.tasks.ImageDecoder;

/**
 * Renders a table of prompts to PNG files plus an index table ({@link #SCHEMA}, one row per image
 * and one per refused prompt).
 *
 * <p>Input columns: {@code prompt} (required) and optional {@code key}, {@code seed}, {@code steps},
 * {@code guidance}, {@code outputs} (of any type that reads as a number; a value that does not
 * gives an error row). The <b>row key</b> is the {@code key} value when there is one, otherwise
 * {@code prompt + "#" + k} where k counts earlier rows with the same prompt text in input order
 * (0 for the first): see {@link #withRowKeys}. The row's seed is its {@code seed} value if given,
 * else {@code RowSeeds.of(jobSeed, rowKey)}; output i of the row is written to
 * {@code <prompt words>-<hash of row key>-<i>.png}. So results and file names depend only on the
 * input table, never on the partitioning, and a retried task rewrites the same files. Each row runs
 * as a {@code text-to-image} request of the task registry ({@link TaskBatch}).
 */
public final class GenerateJob {

    /** The column {@link #withRowKeys} adds. */
    public static final String ROW_KEY = "row_key";

    /** row_key, prompt, seed, output, file, parameters, error, warning (unknown prompt words, ignored). */
    public static final StructType SCHEMA = new StructType()
            .add(ROW_KEY, DataTypes.StringType, false)
            .add("prompt", DataTypes.StringType, true)
            .add("seed", DataTypes.LongType, true)
            .add("output", DataTypes.IntegerType, true)
            .add("file", DataTypes.StringType, true)
            .add("parameters", Columns.PARAMETERS, true)
            .add("error", DataTypes.StringType, true)
            .add("warning", DataTypes.StringType, true);

    private static final String[] OPTIONAL = {"seed", "steps", "guidance", "outputs"};

    // A text-to-image request has no image field.
    private static final ImageDecoder NO_IMAGES = (field, text, maxPixels) -> {
        throw new InvalidRequestException(field, "no image (a generate row has none)", text);
    };

    private GenerateJob() {
    }

    /**
     * Reads a prompt table by its extension: {@code .csv} (with a header row), {@code .json},
     * {@code .jsonl} or {@code .ndjson} (one JSON object per line), {@code .parquet} or a folder
     * (Parquet).
     */
    public static Dataset<Row> readPrompts(SparkSession spark, String path) {
        String p = path.toLowerCase(Locale.ROOT);
        if (p.endsWith(".csv")) {
            return spark.read().option("header", "true").csv(path);
        }
        if (p.endsWith(".json") || p.endsWith(".jsonl") || p.endsWith(".ndjson")) {
            return spark.read().json(path);
        }
        return spark.read().parquet(path);
    }

    /**
     * Adds {@value #ROW_KEY}: the {@code key} column's value where set, else {@code prompt#k}.
     * Must run on the table as read, before any repartitioning: the occurrence index k follows
     * the input order (file order, then line order).
     */
    public static Dataset<Row> withRowKeys(Dataset<Row> prompts) {
        Columns.require(prompts, "a generate job", "prompt");
        Column prompt = coalesce(col("prompt").cast("string"), lit(""));
        Dataset<Row> ordered = prompts.withColumn("_unidiff_order", monotonically_increasing_id());
        Column occurrence = row_number().over(Window.partitionBy(prompt).orderBy(col("_unidiff_order"))).minus(1);
        Column derived = concat(prompt, lit("#"), occurrence.cast("string"));
        Column key = Columns.has(prompts, "key") ? coalesce(col("key").cast("string"), derived) : derived;
        return ordered.withColumn(ROW_KEY, key).drop("_unidiff_order");
    }

    /**
     * Renders each row of {@code keyed} (a table from {@link #withRowKeys}) into {@code imageFolder}
     * and returns the index. Lazy: the images are written when the index is written or counted,
     * once per action, so write it once.
     */
    public static Dataset<Row> generate(Dataset<Row> keyed, String imageFolder, SparkJobOptions options) {
        Columns.require(keyed, "a generate job", ROW_KEY, "prompt");
        List<Column> columns = new ArrayList<>();
        columns.add(col(ROW_KEY));
        columns.add(col("prompt").cast("string"));
        for (String c : OPTIONAL) {
            // Strings here, parsed per row: a bad value must become an error row, and Spark's own
            // casts either fail the job (ANSI mode) or silently give null.
            columns.add((Columns.has(keyed, c) ? col(c).cast("string") : lit(null).cast("string")).as(c));
        }
        SparkSession spark = keyed.sparkSession();
        String folder = OutputFiles.prepareFolder(spark.sparkContext().hadoopConfiguration(), imageFolder);
        JobCounters counters = JobCounters.register(spark.sparkContext(), "generate");
        return keyed.select(columns.toArray(Column[]::new))
                .mapPartitions(new Partition(folder, options, HadoopSettings.of(spark), counters), Encoders.row(SCHEMA));
    }

    /** {@link #run(SparkSession, String, String, int, SparkJobOptions, SaveMode)} refusing an existing output. */
    public static JobSummary run(SparkSession spark, String input, String output, int partitions,
                                 SparkJobOptions options) {
        return run(spark, input, output, partitions, options, SaveMode.ErrorIfExists);
    }

    /**
     * Reads {@code input}, renders it in {@code partitions} partitions (0 keeps the source's),
     * writing PNGs to {@code output/images} and the index as Parquet to {@code output/index}.
     * An existing output is treated by {@code mode} (see {@link JobOutput}); an output that overlaps
     * the input is refused.
     */
    public static JobSummary run(SparkSession spark, String input, String output, int partitions,
                                 SparkJobOptions options, SaveMode mode) {
        if (JobOutput.prepare(spark.sparkContext().hadoopConfiguration(), output, List.of(input), mode)
                == JobOutput.Decision.SKIP) {
            return JobSummary.skipped(output);
        }
        JobCounters.describe(spark.sparkContext(), "generate " + input + " -> " + output);
        try {
            Dataset<Row> keyed = withRowKeys(readPrompts(spark, input));
            if (partitions > 0) {
                keyed = keyed.repartition(partitions);
            }
            return JobSummary.writeIndex(spark, generate(keyed, output + "/images", options), output, mode);
        } finally {
            JobCounters.clearDescription(spark.sparkContext());
        }
    }

    /** Runs in each task: parses a batch of rows, renders the valid ones in one call, writes files. */
    private static final class Partition extends ImageWritingPartition {

        private static final long serialVersionUID = 1L;

        Partition(String folder, SparkJobOptions options, HadoopSettings hadoop, JobCounters counters) {
            super(folder, options, hadoop, counters);
        }

        @Override
        List<Row> batch(List<Row> batch) {
            List<TaskBatch.Request> requests = new ArrayList<>(batch.size());
            Long[] seeds = new Long[batch.size()];
            String[] warnings = new String[batch.size()];
            for (int i = 0; i < batch.size(); i++) {
                Row row = batch.get(i);
                String key = row.getString(0);
                try {
                    seeds[i] = row.isNullAt(2) ? RowSeeds.of(options.jobSeed(), key)
                            : parseLong("seed", row.getString(2));
                    warnings[i] = unknownWords(row.getString(1));
                    if (warnings[i] != null && options.strict()) {
                        requests.add(TaskBatch.Request.failed(key, Task.TEXT_TO_IMAGE_ID,
                                warnings[i] + " (--strict makes them errors)"));
                        continue;
                    }
                    requests.add(TaskBatch.Request.of(key, Task.TEXT_TO_IMAGE_ID, request(row, seeds[i]), NO_IMAGES));
                } catch (InvalidRequestException e) {
                    requests.add(TaskBatch.Request.failed(key, Task.TEXT_TO_IMAGE_ID, e.getMessage()));
                }
            }
            List<TaskBatch.Done> results = TaskBatch.run(ExecutorModels.forJob(options), options.jobSeed(), requests);
            List<Row> out = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                Row row = batch.get(i);
                TaskBatch.Done r = results.get(i);
                if (!r.isOk()) {
                    out.add(RowFactory.create(row.getString(0), row.getString(1), seeds[i], null, null, null,
                            r.error(), options.strict() ? null : warnings[i]));
                    continue;
                }
                List<String> files = ImageFiles.write(conf(), folder, row.getString(0), row.getString(1),
                        r.outputs().images("images"), r.parameters());
                for (int k = 0; k < files.size(); k++) {
                    out.add(RowFactory.create(row.getString(0), row.getString(1), seeds[i], k, files.get(k),
                            Columns.parameters(r.parameters().asText()), null, warnings[i]));
                }
            }
            return out;
        }

        @Override
        int errorColumn() {
            return 6;
        }

        @Override
        int fileColumn() {
            return 4;
        }

        /** "unknown words ignored: 'a', 'b'" for the words the model does not know, or null. */
        private String unknownWords(String prompt) {
            if (prompt == null || prompt.isBlank()) {
                return null;
            }
            List<String> words = ExecutorModels.forJob(options).unknownWords(prompt);
            return words.isEmpty() ? null : "unknown words ignored: '" + String.join("', '", words) + "'";
        }

        /** The row's request: its prompt, and its own steps, guidance and outputs where set, else the job's. */
        private ObjectNode request(Row row, long seed) {
            ObjectNode json = options.request(seed);
            if (row.getString(1) != null) {
                json.put("prompt", row.getString(1));
            }
            if (!row.isNullAt(3)) {
                json.put("steps", parseInt("steps", row.getString(3)));
            }
            if (!row.isNullAt(4)) {
                json.put("guidanceScale", parseDouble("guidance", row.getString(4)));
            }
            if (!row.isNullAt(5)) {
                json.put("outputs", parseInt("outputs", row.getString(5)));
            }
            return json;
        }
    }

    static long parseLong(String column, String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(column, "a whole number", value);
        }
    }

    static int parseInt(String column, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(column, "a whole number", value);
        }
    }

    static double parseDouble(String column, String value) {
        try {
            return Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(column, "a number", value);
        }
    }
}
