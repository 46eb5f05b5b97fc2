package org.unidiff.spark;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;

/**
 * A job's counters, shown in the Spark UI as named accumulators ({@code unidiff <job> rows},
 * {@code errors}, {@code images}) and updated by every task as it writes its rows. Like every
 * accumulator updated in a transformation, a retried task attempt counts again; the table the job
 * writes is the exact count ({@link JobSummary}).
 */
final class JobCounters implements Serializable {

    private static final long serialVersionUID = 1L;

    private final LongAccumulator rows;
    private final LongAccumulator errors;
    private final LongAccumulator images;

    private JobCounters(LongAccumulator rows, LongAccumulator errors, LongAccumulator images) {
        this.rows = rows;
        this.errors = errors;
        this.images = images;
    }

    /**
     * Names what the driver runs next in the Spark UI (job description and call site, instead of
     * Spark's {@code $anonfun$...}); {@link #clearDescription} undoes it.
     */
    static void describe(SparkContext sc, String what) {
        sc.setJobDescription("unidiff " + what);
        sc.setCallSite("unidiff " + what);
    }

    /** Clears {@link #describe}. */
    static void clearDescription(SparkContext sc) {
        sc.setJobDescription(null);
        sc.clearCallSite();
    }

    /** Registers the three accumulators of job {@code name} on the driver. */
    static JobCounters register(SparkContext sc, String name) {
        return new JobCounters(sc.longAccumulator("unidiff " + name + " rows"),
                sc.longAccumulator("unidiff " + name + " errors"), sc.longAccumulator("unidiff " + name + " images"));
    }

    /**
     * Counts the output rows of a batch: rows, those with the error column (at {@code errorAt})
     * set, those with the file column (at {@code fileAt}, or -1 for none) set.
     */
    List<Row> count(List<Row> out, int errorAt, int fileAt) {
        for (Row r : out) {
            rows.add(1);
            if (!r.isNullAt(errorAt)) {
                errors.add(1);
            }
            if (fileAt >= 0 && !r.isNullAt(fileAt)) {
                images.add(1);
            }
        }
        return out;
    }

    long rows() {
        return rows.value();
    }

    long errors() {
        return errors.value();
    }

    long images() {
        return images.value();
    }
}
