package org.unidiff.spark;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.unidiff.api.RowSeeds;
import org.unidiff.api.core.Task;

/**
 * Captions a collection of images: {@code path, content} rows (Spark's {@code binaryFile} source)
 * in, {@link #SCHEMA} rows out, one per image.
 *
 * <p>Each image's seed is {@code RowSeeds.of(jobSeed, path)} with the path as Spark lists it
 * (for example {@code file:/data/cats/1.png}), so the caption of an image does not depend on the
 * partitioning or on the other images; moving the collection to another path changes the seeds.
 * An image that cannot be decoded or that the model refuses gets a row with {@code error} set and
 * no caption. As a Spark application: {@code SparkCli caption INPUT --output DIR}.
 */
public final class CaptionJob {

    /** path, seed, caption, parameters ({@code GenerationParameters.asText()}), error. */
    public static final StructType SCHEMA = new StructType()
            .add("path", DataTypes.StringType, false)
            .add("seed", DataTypes.LongType, false)
            .add("caption", DataTypes.StringType, true)
            .add("parameters", Columns.PARAMETERS, true)
            .add("error", DataTypes.StringType, true);

    private CaptionJob() {
    }

    /**
     * The files under a folder (subfolders included) or glob, as {@code path, content} rows
     * (Spark's binaryFile source), every file a row: a file of 0 bytes, which that source drops,
     * gets a row with empty content (so it becomes an error row, not a lost one).
     *
     * @throws IllegalArgumentException when the input holds no file
     */
    public static Dataset<Row> readImages(SparkSession spark, String folderOrGlob) {
        List<org.apache.hadoop.fs.FileStatus> listed = InputListing.nonEmpty(
                spark.sparkContext().hadoopConfiguration(), folderOrGlob);
        Dataset<Row> read = spark.read().format("binaryFile").option("recursiveFileLookup", "true")
                .load(folderOrGlob).select("path", "content");
        List<Row> empty = new ArrayList<>();
        for (org.apache.hadoop.fs.FileStatus f : listed) {
            if (f.isFile() && f.getLen() == 0) {
                empty.add(RowFactory.create(f.getPath().toString(), new byte[0]));
            }
        }
        return empty.isEmpty() ? read : read.union(spark.createDataFrame(empty, read.schema()));
    }

    /**
     * The captions of {@code images} (columns {@code path} string and {@code content} binary;
     * others are ignored). Lazy like every Dataset: each action runs the model again, so write
     * or cache the result once.
     */
    public static Dataset<Row> caption(Dataset<Row> images, SparkJobOptions options) {
        Columns.require(images, "a caption job", "path", "content");
        JobCounters counters = JobCounters.register(images.sparkSession().sparkContext(), "caption");
        return images.select("path", "content").mapPartitions(new Partition(options, counters), Encoders.row(SCHEMA));
    }

    /** {@link #run(SparkSession, String, String, int, SparkJobOptions, SaveMode)} refusing an existing output. */
    public static JobSummary run(SparkSession spark, String input, String output, int partitions,
                                 SparkJobOptions options) {
        return run(spark, input, output, partitions, options, SaveMode.ErrorIfExists);
    }

    /**
     * Reads {@code input}, captions it in {@code partitions} partitions (0 keeps the source's) and
     * writes the table as Parquet to {@code output}; an existing output is treated by {@code mode}
     * (see {@link JobOutput}), and an output that overlaps the input is refused.
     */
    public static JobSummary run(SparkSession spark, String input, String output, int partitions,
                                 SparkJobOptions options, SaveMode mode) {
        if (JobOutput.prepare(spark.sparkContext().hadoopConfiguration(), output, List.of(input), mode)
                == JobOutput.Decision.SKIP) {
            return JobSummary.skipped(output);
        }
        JobCounters.describe(spark.sparkContext(), "caption " + input + " -> " + output);
        try {
            Dataset<Row> images = readImages(spark, input);
            if (partitions > 0) {
                images = images.repartition(partitions);
            }
            caption(images, options).write().mode(mode == SaveMode.Append ? SaveMode.Append : SaveMode.ErrorIfExists)
                    .parquet(output);
            return JobSummary.of(spark.read().parquet(output), output);
        } finally {
            JobCounters.clearDescription(spark.sparkContext());
        }
    }

    /**
     * The captions of images keyed by {@code keys} (a row's seed is {@code RowSeeds.of(jobSeed,
     * key)}), in one model call: the one captioning rule of the job, {@link ImageCaptioner} and
     * {@link UnidiffSql}, each row an {@code image-to-text} request of the task registry (see
     * {@link TaskBatch}) whose image is the row's bytes. An image that cannot be decoded or that
     * the model refuses is a failed outcome. {@code contents} may hold null (no bytes).
     */
    static List<TaskBatch.Done> captions(SparkJobOptions options, List<String> keys, List<byte[]> contents) {
        List<TaskBatch.Request> requests = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            ObjectNode request = options.request(RowSeeds.of(options.jobSeed(), key)).put("image", key);
            requests.add(TaskBatch.Request.of(key, Task.IMAGE_TO_TEXT_ID, request, HadoopImages.ofBytes(contents.get(i))));
        }
        return TaskBatch.run(ExecutorModels.forJob(options), options.jobSeed(), requests);
    }

    /** A captioned row's caption (the task's first text). */
    static String caption(TaskBatch.Done done) {
        return done.outputs().texts("texts").get(0);
    }

    /** Runs in each task: decodes, captions a batch at a time, reports bad rows as errors. */
    private static final class Partition implements MapPartitionsFunction<Row, Row> {

        private static final long serialVersionUID = 1L;

        private final SparkJobOptions options;

        private final JobCounters counters;

        Partition(SparkJobOptions options, JobCounters counters) {
            this.options = options;
            this.counters = counters;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            return new PartitionBatches(rows, options.batchSize(), b -> counters.count(batch(b), 4, -1), options.hook());
        }

        private List<Row> batch(List<Row> batch) {
            List<String> paths = new ArrayList<>(batch.size());
            List<byte[]> contents = new ArrayList<>(batch.size());
            for (Row row : batch) {
                paths.add(row.getString(0));
                contents.add((byte[]) row.get(1));
            }
            List<TaskBatch.Done> results = captions(options, paths, contents);
            List<Row> out = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                TaskBatch.Done r = results.get(i);
                out.add(RowFactory.create(paths.get(i), RowSeeds.of(options.jobSeed(), paths.get(i)),
                        r.isOk() ? caption(r) : null,
                        r.isOk() ? Columns.parameters(r.parameters().asText()) : null,
                        r.error()));
            }
            return out;
        }


    }
}
