package org.unidiff.spark;

import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;

/**
 * The library as SQL functions, registered in a session by one call:
 *
 * <pre>{@code
 * UnidiffSql.register(spark, SparkJobOptions.defaults().withSteps(25));
 * spark.read().format("binaryFile").load("data/*.png").createOrReplaceTempView("images");
 * spark.sql("SELECT path, unidiff_caption(content, path) AS caption FROM images");
 * spark.sql("SELECT prompt, unidiff_unknown_words(prompt) FROM prompts");
 * }</pre>
 *
 * <ul>
 *   <li>{@code unidiff_caption(content BINARY, key STRING) -> STRING}: the caption of the image
 *       bytes, seeded by {@code RowSeeds.of(jobSeed, key)} (so the same as
 *       {@code CaptionJob} and {@link ImageCaptioner}); null for bytes that are not a usable image;</li>
 *   <li>{@code unidiff_unknown_words(prompt STRING) -> ARRAY<STRING>}: the words of a prompt the
 *       model does not know (empty when it knows them all).</li>
 * </ul>
 *
 * A function is called a row at a time, so the model runs without batching: for large tables,
 * {@link ImageCaptioner} or the jobs batch rows into one model call.
 */
public final class UnidiffSql {

    private UnidiffSql() {
    }

    /** Registers the functions in {@code spark} with the model and settings of {@code options}. */
    public static void register(SparkSession spark, SparkJobOptions options) {
        spark.udf().register("unidiff_caption", (UDF2<byte[], String, String>) (content, key) -> {
            if (content == null || key == null) {
                return null;
            }
            TaskBatch.Done r = CaptionJob.captions(options, List.of(key), java.util.Collections.singletonList(content))
                    .get(0);
            return r.isOk() ? CaptionJob.caption(r) : null;
        }, DataTypes.StringType);
        spark.udf().register("unidiff_unknown_words", (UDF1<String, List<String>>) prompt ->
                prompt == null ? null : ExecutorModels.forJob(options).unknownWords(prompt),
                DataTypes.createArrayType(DataTypes.StringType));
    }
}
