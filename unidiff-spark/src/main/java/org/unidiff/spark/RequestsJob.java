package org.unidiff.spark;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.substring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
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
import org.unidiff.api.tasks.FieldLimits;
import org.unidiff.api.tasks.JsonRequestFields;
import org.unidiff.api.tasks.TaskDefinition;
import org.unidiff.api.tasks.TaskRegistry;
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
        private static final ObjectMapper JSON = new ObjectMapper();

        // The tasks the executor's model serves: looked up (ServiceLoader included) once per task, not per batch.
        private transient TaskRegistry served;

        Partition(String folder, SparkJobOptions options, HadoopSettings hadoop, JobCounters counters) {
            super(folder, options, hadoop, counters);
        }

        @Override
        List<Row> batch(List<Row> batch) {
            Unidiff model = ExecutorModels.forJob(options);
            if (served == null) {
                served = TaskRegistry.installed().servedBy(model.manifest());
            }
            TaskRegistry served = this.served;
            String[] errors = new String[batch.size()];
            Object[] requests = new Object[batch.size()];
            TaskDefinition<?, ?>[] tasks = new TaskDefinition<?, ?>[batch.size()];
            Long[] seeds = new Long[batch.size()];
            Map<TaskDefinition<?, ?>, List<Integer>> byTask = new LinkedHashMap<>();
            for (int i = 0; i < batch.size(); i++) {
                Row row = batch.get(i);
                try {
                    tasks[i] = served.find(row.getString(1)).orElseThrow(() -> new InvalidRequestException("task",
                            "a task model '" + model.manifest().name() + "' serves: " + String.join(", ", served.ids()),
                            row.getString(1)));
                    ObjectNode json = parse(row.getString(2));
                    if (!json.has("seed")) {
                        json.put("seed", org.unidiff.api.RowSeeds.of(options.jobSeed(), row.getString(0)));
                    }
                    seeds[i] = json.path("seed").asLong();
                    requests[i] = tasks[i].read(new JsonRequestFields(json, FieldLimits.defaults(),
                            new HadoopImages(conf())));
                    byTask.computeIfAbsent(tasks[i], t -> new ArrayList<>()).add(i);
                } catch (InvalidRequestException e) {
                    errors[i] = e.getMessage();
                }
            }
            Object[] results = new Object[batch.size()];
            for (Map.Entry<TaskDefinition<?, ?>, List<Integer>> e : byTask.entrySet()) {
                List<Outcome<Object>> prepared = new ArrayList<>();
                for (int i : e.getValue()) {
                    prepared.add(Outcome.ok(requests[i]));
                }
                List<Outcome<Object>> done = runAll(model, e.getKey(), prepared);
                for (int k = 0; k < done.size(); k++) {
                    int i = e.getValue().get(k);
                    if (done.get(k).isOk()) {
                        results[i] = done.get(k).value();
                    } else {
                        errors[i] = done.get(k).error();
                    }
                }
            }
            TaskContext context = TaskContext.get();
            long attempt = context == null ? ProcessHandle.current().pid() : context.taskAttemptId();
            List<Row> out = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                Row row = batch.get(i);
                if (results[i] == null) {
                    out.add(RowFactory.create(row.getString(0), row.getString(1), seeds[i], null, null, null, null,
                            errors[i]));
                    continue;
                }
                RowResults sink = new RowResults(conf(), folder, row.getString(1) + "-" + OutputFiles.keyHash(row.getString(0)),
                        attempt);
                tasks[i].writeResult(results[i], sink);
                Map<String, scala.collection.Seq<String>> texts = new LinkedHashMap<>();
                sink.texts.forEach((k, v) -> texts.put(k, CollectionConverters.asScala(v).toSeq()));
                Map<String, scala.collection.Seq<Object>> numbers = new LinkedHashMap<>();
                sink.numbers.forEach((k, v) -> {
                    List<Object> boxed = new ArrayList<>(v.length);
                    for (double d : v) {
                        boxed.add(d);
                    }
                    numbers.put(k, CollectionConverters.asScala(boxed).toSeq());
                });
                out.add(RowFactory.create(row.getString(0), row.getString(1), seeds[i],
                        CollectionConverters.asScala(sink.files).toSeq(), CollectionConverters.asScala(texts),
                        CollectionConverters.asScala(numbers),
                        Columns.parameters(tasks[i].parametersOf(results[i]).asText()), null));
            }
            return out;
        }

        @SuppressWarnings("unchecked")
        private static <Q, R> List<Outcome<Object>> runAll(Unidiff model, TaskDefinition<Q, R> task,
                                                           List<Outcome<Object>> prepared) {
            List<Outcome<Q>> typed = new ArrayList<>();
            prepared.forEach(p -> typed.add(Outcome.ok((Q) p.value())));
            List<Outcome<Object>> out = new ArrayList<>();
            for (Outcome<R> r : BatchRunner.run(model, task.recipe(), typed)) {
                out.add(r.isOk() ? Outcome.ok(r.value()) : Outcome.failed(r.error()));
            }
            return out;
        }

        private static ObjectNode parse(String text) {
            JsonNode node;
            try {
                node = text == null ? null : JSON.readTree(text);
            } catch (IOException e) {
                throw new InvalidRequestException("request", "a JSON object", text);
            }
            if (node == null || !node.isObject()) {
                throw new InvalidRequestException("request", "a JSON object", text);
            }
            return (ObjectNode) node;
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
