package org.unidiff.spark;

import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;

/**
 * The work of one Spark task in a job that writes images (generate, vary): the task's rows are taken
 * in batches of the job's batch size, each batch becomes index rows (and image files under
 * {@link #folder}) through {@link #batch}; subclasses say only what a batch is.
 */
abstract class ImageWritingPartition implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    /** The folder the task writes its images to. */
    protected final String folder;
    /** The job's options. */
    protected final SparkJobOptions options;
    private final HadoopSettings hadoop;
    private final JobCounters counters;
    // Built once per task from the settings: Configuration itself is not serializable.
    private transient Configuration conf;

    ImageWritingPartition(String folder, SparkJobOptions options, HadoopSettings hadoop, JobCounters counters) {
        this.folder = folder;
        this.options = options;
        this.hadoop = hadoop;
        this.counters = counters;
    }

    @Override
    public final Iterator<Row> call(Iterator<Row> rows) {
        conf = hadoop.configuration();
        return new PartitionBatches(rows, options.batchSize(), b -> counters.count(batch(b), errorColumn(), fileColumn()),
                options.hook());
    }

    /** Index of the error column in the rows {@link #batch} makes. */
    abstract int errorColumn();

    /** Index of the file column in the rows {@link #batch} makes. */
    abstract int fileColumn();

    /** The index rows of one batch of input rows, image files written on the way. */
    abstract List<Row> batch(List<Row> batch);

    /** The task's Hadoop configuration (set when the task starts). */
    final Configuration conf() {
        return conf;
    }
}
