package org.unidiff.spark;

import java.util.ArrayList;
import java.util.List;
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
 * Makes a variation of each image of a collection: {@code path, content} rows in, PNG files plus
 * an index ({@link #SCHEMA}) out. Each row runs as an {@code image-variation} request of the task
 * registry ({@link TaskBatch}), its image the row's bytes. The row key is the path as Spark lists it: the seed is
 * {@code RowSeeds.of(jobSeed, path)} and the file {@code <source name>-<hash of path>-0.png},
 * so results and names do not depend on the partitioning. Unreadable images give error rows.
 */
public final class VaryJob {

    /** path, seed, output, file, parameters, error. */
    public static final StructType SCHEMA = new StructType()
            .add("path", DataTypes.StringType, false)
            .add("seed", DataTypes.LongType, false)
            .add("output", DataTypes.IntegerType, true)
            .add("file", DataTypes.StringType, true)
            .add("parameters", Columns.PARAMETERS, true)
            .add("error", DataTypes.StringType, true);

    private VaryJob() {
    }

    /**
     * The variations of {@code images} (columns {@code path}, {@code content}), written to
     * {@code imageFolder}; returns the index. Lazy: write it once.
     */
    public static Dataset<Row> vary(Dataset<Row> images, String imageFolder, SparkJobOptions options) {
        Columns.require(images, "a vary job", "path", "content");
        SparkSession spark = images.sparkSession();
        String folder = OutputFiles.prepareFolder(spark.sparkContext().hadoopConfiguration(), imageFolder);
        JobCounters counters = JobCounters.register(spark.sparkContext(), "vary");
        return images.select("path", "content").mapPartitions(new Partition(folder, options, HadoopSettings.of(spark),
                        counters),
                Encoders.row(SCHEMA));
    }

    /** {@link #run(SparkSession, String, String, int, SparkJobOptions, SaveMode)} refusing an existing output. */
    public static JobSummary run(SparkSession spark, String input, String output, int partitions,
                                 SparkJobOptions options) {
        return run(spark, input, output, partitions, options, SaveMode.ErrorIfExists);
    }

    /**
     * Reads the images under {@code input}, writes their variations to {@code output/images} and
     * the index as Parquet to {@code output/index}.
     * An existing output is treated by {@code mode} (see {@link JobOutput}); an output that overlaps
     * the input is refused.
     */
    public static JobSummary run(SparkSession spark, String input, String output, int partitions,
                                 SparkJobOptions options, SaveMode mode) {
        if (JobOutput.prepare(spark.sparkContext().hadoopConfiguration(), output, List.of(input), mode)
                == JobOutput.Decision.SKIP) {
            return JobSummary.skipped(output);
        }
        JobCounters.describe(spark.sparkContext(), "vary " + input + " -> " + output);
        try {
            Dataset<Row> images = CaptionJob.readImages(spark, input);
            if (partitions > 0) {
                images = images.repartition(partitions);
            }
            return JobSummary.writeIndex(spark, vary(images, output + "/images", options), output, mode);
        } finally {
            JobCounters.clearDescription(spark.sparkContext());
        }
    }

    /** Runs in each task. */
    private static final class Partition extends ImageWritingPartition {

        private static final long serialVersionUID = 1L;

        Partition(String folder, SparkJobOptions options, HadoopSettings hadoop, JobCounters counters) {
            super(folder, options, hadoop, counters);
        }

        @Override
        int errorColumn() {
            return 5;
        }

        @Override
        int fileColumn() {
            return 3;
        }

        @Override
        List<Row> batch(List<Row> batch) {
            List<TaskBatch.Request> requests = new ArrayList<>(batch.size());
            long[] seeds = new long[batch.size()];
            for (int i = 0; i < batch.size(); i++) {
                String path = batch.get(i).getString(0);
                seeds[i] = RowSeeds.of(options.jobSeed(), path);
                requests.add(TaskBatch.Request.of(path, Task.IMAGE_VARIATION_ID, options.request(seeds[i]).put("image", path),
                        HadoopImages.ofBytes((byte[]) batch.get(i).get(1))));
            }
            List<TaskBatch.Done> results = TaskBatch.run(ExecutorModels.forJob(options), options.jobSeed(), requests);
            List<Row> out = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                String path = batch.get(i).getString(0);
                TaskBatch.Done r = results.get(i);
                if (!r.isOk()) {
                    out.add(RowFactory.create(path, seeds[i], null, null, null, r.error()));
                    continue;
                }
                List<String> files = ImageFiles.write(conf(), folder, path, sourceName(path),
                        r.outputs().images("images"), r.parameters());
                for (int k = 0; k < files.size(); k++) {
                    out.add(RowFactory.create(path, seeds[i], k, files.get(k),
                            Columns.parameters(r.parameters().asText()), null));
                }
            }
            return out;
        }
    }

    /** The file name without folder and extension, for a readable output name. */
    static String sourceName(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
