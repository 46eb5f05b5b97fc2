package org.unidiff.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * What a finished job wrote.
 *
 * @param rows   rows in the result table
 * @param errors rows with the error column set
 * @param output where the table is
 */
public record JobSummary(long rows, long errors, String output) {

    /** Counts the rows and error rows of a written result table. */
    static JobSummary of(Dataset<Row> written, String output) {
        Row counts = written.agg(functions.count(functions.lit(1)),
                functions.count(functions.col("error"))).first();
        return new JobSummary(counts.getLong(0), counts.getLong(1), output);
    }
}
