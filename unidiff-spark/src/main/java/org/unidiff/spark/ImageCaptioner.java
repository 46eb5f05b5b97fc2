package org.unidiff.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Captioning as a Spark ML {@link Transformer}, for a user's own pipelines: reads image bytes
 * from {@code inputCol} (binary, e.g. the {@code content} of Spark's {@code binaryFile} source),
 * adds {@code outputCol} (the caption, null when the image could not be used) and
 * {@code outputCol + "_error"} (why, else null), keeping every input column.
 *
 * <pre>{@code
 * Dataset<Row> images = spark.read().format("binaryFile").load("data/*.png");
 * Dataset<Row> captioned = new ImageCaptioner().setInputCol("content").setKeyCol("path")
 *         .setOutputCol("caption").setSteps(25).setSeed(7).transform(images);
 * }</pre>
 *
 * <p>A row's seed is {@code RowSeeds.of(seed, key)} with the {@code keyCol} value (the
 * same rule, and so the same captions, as {@code CaptionJob}); rows go to the model
 * {@code batchSize} at a time. Params: {@code steps}, {@code guidance} (0 = the bundle's default),
 * {@code bundle} (a directory every executor sees, or the name of one shipped with the job; empty
 * = the bundled default model), {@code variant}.
 */
public final class ImageCaptioner extends Transformer {

    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> inputCol;
    private final Param<String> outputCol;
    private final Param<String> keyCol;
    private final LongParam seed;
    private final IntParam steps;
    private final DoubleParam guidance;
    private final Param<String> bundle;
    private final Param<String> variant;
    private final IntParam batchSize;

    /** A captioner with a random uid and the defaults: content -> caption, key path, seed 0. */
    public ImageCaptioner() {
        this("unidiff-captioner-" + UUID.randomUUID());
    }

    /** A captioner with the given uid. */
    public ImageCaptioner(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "binary column of image bytes");
        outputCol = new Param<>(this, "outputCol", "caption column to add");
        keyCol = new Param<>(this, "keyCol", "column whose value keys each row's seed");
        seed = new LongParam(this, "seed", "job seed; a row's seed is RowSeeds.of(seed, key)");
        steps = new IntParam(this, "steps", "solver steps, 0 for the bundle's default");
        guidance = new DoubleParam(this, "guidance", "guidance scale, negative for the bundle's default");
        bundle = new Param<>(this, "bundle", "model bundle directory, empty for the bundled default model");
        variant = new Param<>(this, "variant", "model-file variant, empty for the main files");
        batchSize = new IntParam(this, "batchSize", "rows per model call, 1 to " + SparkJobOptions.MAX_BATCH);
        setDefault(inputCol, "content");
        setDefault(outputCol, "caption");
        setDefault(keyCol, "path");
        setDefault(seed, 0L);
        setDefault(steps, 0);
        setDefault(guidance, -1.0);
        setDefault(bundle, "");
        setDefault(variant, "");
        setDefault(batchSize, SparkJobOptions.DEFAULT_BATCH);
    }

    /** The binary column of image bytes. (Spark finds a transformer's params by such methods). */
    public Param<String> inputCol() {
        return inputCol;
    }

    /** The caption column added. (Spark finds a transformer's params by such methods). */
    public Param<String> outputCol() {
        return outputCol;
    }

    /** The column whose value keys each row's seed. (Spark finds a transformer's params by such methods). */
    public Param<String> keyCol() {
        return keyCol;
    }

    /** The job seed. (Spark finds a transformer's params by such methods). */
    public LongParam seed() {
        return seed;
    }

    /** Solver steps (0 = the bundle's default). (Spark finds a transformer's params by such methods). */
    public IntParam steps() {
        return steps;
    }

    /** Guidance scale (negative = the bundle's default). (Spark finds a transformer's params by such methods). */
    public DoubleParam guidance() {
        return guidance;
    }

    /** The model bundle (empty = the bundled default model). (Spark finds a transformer's params by such methods). */
    public Param<String> bundle() {
        return bundle;
    }

    /** The bundle's model-file variant (empty = the main files). (Spark finds a transformer's params by such methods). */
    public Param<String> variant() {
        return variant;
    }

    /** Rows per model call. (Spark finds a transformer's params by such methods). */
    public IntParam batchSize() {
        return batchSize;
    }

    @Override
    public String uid() {
        return uid;
    }

    /** Sets the input column. */
    public ImageCaptioner setInputCol(String v) {
        set(inputCol, v);
        return this;
    }

    /** Sets the output column. */
    public ImageCaptioner setOutputCol(String v) {
        set(outputCol, v);
        return this;
    }

    /** Sets the key column. */
    public ImageCaptioner setKeyCol(String v) {
        set(keyCol, v);
        return this;
    }

    /** Sets the job seed. */
    public ImageCaptioner setSeed(long v) {
        set(seed, v);
        return this;
    }

    /** Sets the solver steps (0: the bundle's). */
    public ImageCaptioner setSteps(int v) {
        set(steps, v);
        return this;
    }

    /** Sets the guidance scale (negative: the bundle's). */
    public ImageCaptioner setGuidance(double v) {
        set(guidance, v);
        return this;
    }

    /** Sets the bundle (empty: the bundled default). */
    public ImageCaptioner setBundle(String v) {
        set(bundle, v);
        return this;
    }

    /** Sets the variant (empty: the main files). */
    public ImageCaptioner setVariant(String v) {
        set(variant, v);
        return this;
    }

    /** Sets the rows per model call. */
    public ImageCaptioner setBatchSize(int v) {
        set(batchSize, v);
        return this;
    }

    /** The job options the params describe (checked on the driver: a bad value fails before any task). */
    SparkJobOptions options() {
        String b = $(bundle);
        String v = $(variant);
        int s = (Integer) $(steps);
        double g = (Double) $(guidance);
        return SparkJobOptions.defaults().withBundle(b.isEmpty() ? null : b).withVariant(v.isEmpty() ? null : v)
                .withJobSeed((Long) $(seed)).withSteps(s == 0 ? null : s).withGuidance(g < 0 ? null : g)
                .withBatchSize((Integer) $(batchSize));
    }

    @Override
    public StructType transformSchema(StructType schema) {
        String in = $(inputCol);
        String out = $(outputCol);
        if (!Arrays.asList(schema.fieldNames()).contains(in)
                || !schema.apply(in).dataType().equals(DataTypes.BinaryType)) {
            throw new IllegalArgumentException("inputCol '" + in + "' must be a binary column of image bytes; the "
                    + "table has " + schema.simpleString());
        }
        if (!Arrays.asList(schema.fieldNames()).contains($(keyCol))) {
            throw new IllegalArgumentException("keyCol '" + $(keyCol) + "' is not a column of " + schema.simpleString());
        }
        if (Arrays.asList(schema.fieldNames()).contains(out)
                || Arrays.asList(schema.fieldNames()).contains(out + "_error")) {
            throw new IllegalArgumentException("outputCol '" + out + "' (or '" + out + "_error') already exists");
        }
        return schema.add(out, DataTypes.StringType, true).add(out + "_error", DataTypes.StringType, true);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        StructType in = dataset.schema();
        Dataset<Row> rows = dataset.toDF();
        return rows.mapPartitions(new Partition(options(), in.fieldIndex($(inputCol)), in.fieldIndex($(keyCol))),
                Encoders.row(out));
    }

    @Override
    public ImageCaptioner copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** Each task: rows in batches, captions appended. */
    private static final class Partition implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final SparkJobOptions options;
        private final int content;
        private final int key;

        Partition(SparkJobOptions options, int content, int key) {
            this.options = options;
            this.content = content;
            this.key = key;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            return new PartitionBatches(rows, options.batchSize(), this::batch, options.hook());
        }

        private List<Row> batch(List<Row> batch) {
            List<String> keys = new ArrayList<>(batch.size());
            List<byte[]> contents = new ArrayList<>(batch.size());
            for (Row r : batch) {
                keys.add(String.valueOf((Object) r.get(key)));
                contents.add(r.isNullAt(content) ? null : (byte[]) r.get(content));
            }
            List<TaskBatch.Done> results = CaptionJob.captions(options, keys, contents);
            List<Row> out = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                Row r = batch.get(i);
                Object[] values = new Object[r.length() + 2];
                for (int c = 0; c < r.length(); c++) {
                    values[c] = r.get(c);
                }
                TaskBatch.Done o = results.get(i);
                values[r.length()] = o.isOk() ? CaptionJob.caption(o) : null;
                values[r.length() + 1] = o.error();
                out.add(RowFactory.create(values));
            }
            return out;
        }
    }
}
