package org.unidiff.spark;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.substring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
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
import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.Unidiff;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A table of requests for any registered task to a table of results: the one job every task
 * runs in (the library's and those a jar on the class path provides through
 * {@link org.unidiff.api.tasks.TaskProvider}).
 *
 * <p>Input columns: {@code task} (a task id) and {@code request} (the request as a JSON object,
 * as the HTTP API takes it, image fields being paths on any Hadoop file system), and an optional
 * {@code key}. The <b>row key</b> is {@code key} where set, else a hash of task and request
 * followed by {@code #k} for the k-th equal row in input order. A request without {@code seed}
 * gets {@code RowSeeds.of(jobSeed, rowKey)} as every job does, so results never depend on partitioning. Output: one row
 * per input row ({@link #SCHEMA}); images and animations are files in {@code output/images}
 * named by the row key.
 */
public final class RequestsJob {

    /** The column {@link #withRowKeys} adds. */
    public static final String ROW_KEY = "row_key";

    /** row_key, task, seed, files, texts, numbers, parameters, error. */
    public static final StructType SCHEMA = new StructType()
            .add(ROW_KEY, DataTypes.StringType, false)
            .add("task", DataTypes.StringType, true)
            .add("seed", DataTypes.LongType, true)
            .add("files", DataTypes.createArrayType(DataTypes.StringType, false), true)
            .add("texts", DataTypes.createMapType(DataTypes.StringType,
                    DataTypes.createArrayType(DataTypes.StringType, false), false), true)
            .add("numbers", DataTypes.createMapType(DataTypes.StringType,
                    DataTypes.createArrayType(DataTypes.DoubleType, false), false), true)
            .add("parameters", Columns.PARAMETERS, true)
            .add("error", DataTypes.StringType, true);

    private RequestsJob() {
    }

    /** Adds {@value #ROW_KEY}; must run on the table as read, before any repartitioning. */
    public static Dataset<Row> withRowKeys(Dataset<Row> requests) {
        Columns.require(requests, "a requests job", "task", "request");
        Column task = coalesce(col("task").cast("string"), lit(""));
        Column request = coalesce(col("request").cast("string"), lit(""));
        Dataset<Row> ordered = requests.withColumn("_unidiff_order", monotonically_increasing_id());
        Column occurrence = row_number().over(Window.partitionBy(task, request).orderBy(col("_unidiff_order"))).minus(1);
        Column derived = concat(substring(sha2(concat(task, lit("\n"), request), 256), 1, 16), lit("#"),
                occurrence.cast("string"));
        Column key = Columns.has(requests, "key") ? coalesce(col("key").cast("string"), derived) : derived;
        return ordered.withColumn(ROW_KEY, key).drop("_unidiff_order");
    }

    /** Runs each row of {@code keyed}, writing files into {@code imageFolder}; lazy, like the other jobs. */
    public static Dataset<Row> run(Dataset<Row> keyed, String imageFolder, SparkJobOptions options) {
        Columns.require(keyed, "a requests job", ROW_KEY, "task", "request");
        SparkSession spark = keyed.sparkSession();
        String folder = OutputFiles.prepareFolder(spark.sparkContext().hadoopConfiguration(), imageFolder);
        JobCounters counters = JobCounters.register(spark.sparkContext(), "requests");
        return keyed.select(col(ROW_KEY), col("task").cast("string"), col("request").cast("string"))
                .mapPartitions(new Partition(folder, options, HadoopSettings.of(spark), counters), Encoders.row(SCHEMA));
    }

    /**
     * Reads {@code input} (.csv, .json/.jsonl, .parquet or a Parquet folder), runs it in
     * {@code partitions} partitions (0 keeps the source's), writing files to {@code output/images}
     * and the results as Parquet to {@code output/index}; an existing output is treated by
     * {@code mode}, an output overlapping the input refused (see {@link JobOutput}).
     */
    public static JobSummary run(SparkSession spark, String input, String output, int partitions,
                                 SparkJobOptions options, SaveMode mode) {
        if (JobOutput.prepare(spark.sparkContext().hadoopConfiguration(), output, List.of(input), mode)
                == JobOutput.Decision.SKIP) {
            return JobSummary.skipped(output);
        }
        JobCounters.describe(spark.sparkContext(), "requests " + input + " -> " + output);
        try {
            Dataset<Row> keyed = withRowKeys(GenerateJob.readPrompts(spark, input));
            if (partitions > 0) {
                keyed = keyed.repartition(partitions);
            }
            return JobSummary.writeIndex(spark, run(keyed, output + "/images", options), output, mode);
        } finally {
            JobCounters.clearDescription(spark.sparkContext());
        }
    }

    /** One Spark task: its rows read into requests, each task's requests run in one call, results written. */
    private static final class Partition extends ImageWritingPartition {

        private static final long serialVersionUID = 1L;

        Partition(String folder, SparkJobOptions options, HadoopSettings hadoop, JobCounters counters) {
            super(folder, options, hadoop, counters);
        }

        @Override
        List<Row> batch(List<Row> batch) {
            Unidiff model = ExecutorModels.forJob(options);
            HadoopImages images = new HadoopImages(conf());
            List<TaskBatch.Request> requests = new ArrayList<>(batch.size());
            for (Row row : batch) {
                try {
                    requests.add(TaskBatch.Request.of(row.getString(0), row.getString(1),
                            TaskBatch.parse(row.getString(2)), images));
                } catch (InvalidRequestException e) {
                    requests.add(TaskBatch.Request.failed(row.getString(0), row.getString(1), e.getMessage()));
                }
            }
            List<TaskBatch.Done> done = TaskBatch.run(model, options.jobSeed(), requests);
            TaskContext context = TaskContext.get();
            long attempt = context == null ? ProcessHandle.current().pid() : context.taskAttemptId();
            List<Row> out = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                Row row = batch.get(i);
                TaskBatch.Done d = done.get(i);
                if (!d.isOk()) {
                    out.add(RowFactory.create(row.getString(0), row.getString(1), d.seed(), null, null, null, null,
                            d.error()));
                    continue;
                }
                RowResults sink = new RowResults(conf(), folder, row.getString(1) + "-" + OutputFiles.keyHash(row.getString(0)),
                        attempt);
                d.writeTo(sink);
                Map<String, scala.collection.Seq<String>> texts = new LinkedHashMap<>();
                sink.texts.forEach((k, v) -> texts.put(k, CollectionConverters.asScala(v).toSeq()));
                Map<String, scala.collection.Seq<Object>> numbers = new LinkedHashMap<>();
                sink.numbers.forEach((k, v) -> {
                    List<Object> boxed = new ArrayList<>(v.length);
                    for (double x : v) {
                        boxed.add(x);
                    }
                    numbers.put(k, CollectionConverters.asScala(boxed).toSeq());
                });
                out.add(RowFactory.create(row.getString(0), row.getString(1), d.seed(),
                        CollectionConverters.asScala(sink.files).toSeq(), CollectionConverters.asScala(texts),
                        CollectionConverters.asScala(numbers), Columns.parameters(d.parameters().asText()), null));
            }
            return out;
        }

        @Override
        int errorColumn() {
            return 7;
        }

        @Override
        int fileColumn() {
            return 3;
        }
    }
}
