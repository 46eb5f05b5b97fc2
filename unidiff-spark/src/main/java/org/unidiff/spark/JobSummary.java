package org.unidiff.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * What a finished job wrote.
 *
 * @param rows    rows in the result table (after the job; with {@link SaveMode#Append}, earlier
 *                runs' rows included)
 * @param errors  rows with the error column set
 * @param output  where the table is
 * @param skipped true when the output existed and the mode was {@link SaveMode#Ignore}: nothing ran
 */
public record JobSummary(long rows, long errors, String output, boolean skipped) {

    /** An output left as it was ({@link SaveMode#Ignore}). */
    static JobSummary skipped(String output) {
        return new JobSummary(0, 0, output, true);
    }

    /**
     * Runs an image-writing job by writing its index rows as Parquet to {@code output/index}, then
     * removes the temporary files a failed task attempt may have left under {@code output/images}.
     * The output was prepared by {@link JobOutput#prepare} (absent, emptied, or appended to).
     */
    static JobSummary writeIndex(SparkSession spark, Dataset<Row> rows, String output, SaveMode mode) {
        String index = output + "/index";
        rows.write().mode(mode == SaveMode.Append ? SaveMode.Append : SaveMode.ErrorIfExists).parquet(index);
        OutputFiles.removeTemporaries(spark.sparkContext().hadoopConfiguration(), output + "/images");
        return of(spark.read().parquet(index), index);
    }

    /** Counts the rows and error rows of a written result table. */
    static JobSummary of(Dataset<Row> written, String output) {
        Row counts = written.agg(functions.count(functions.lit(1)),
                functions.count(functions.col("error"))).first();
        return new JobSummary(counts.getLong(0), counts.getLong(1), output, false);
    }
}
