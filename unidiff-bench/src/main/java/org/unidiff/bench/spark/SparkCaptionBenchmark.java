package org.unidiff.bench.spark;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import javax.imageio.ImageIO;
import org.unidiff.api.ImageToTextRequest;
import org.unidiff.api.Recipes;
import org.unidiff.api.RowSeeds;
import org.unidiff.api.TextResult;
import org.unidiff.api.Unidiff;
import org.unidiff.api.core.UnidiffOptions;
import org.unidiff.api.files.Images;
import org.unidiff.spark.CaptionJob;
import org.unidiff.spark.SparkJobOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code unidiff-bench/bench.sh spark-caption}: images per second of a caption job on {@code local[1]} and
 * {@code local[2]} against the plain API in one process (one by one, and in batches through
 * {@code runAll}), on the same images in one run; prints a markdown table. Every setup is timed
 * after a warm-up that opens the model, so the table compares steady throughput including Spark's
 * own work (listing, reading, scheduling, writing Parquet), not start-up.
 */
@Command(name = "spark-caption", mixinStandardHelpOptions = true,
        description = "Caption throughput: Spark local[1] and local[2] against the plain API; prints a markdown table.")
public final class SparkCaptionBenchmark implements Callable<Integer> {

    /** Runs the benchmark and exits with its code (1 when a Spark run's captions differ from the API's). */
    public static void main(String[] args) {
        System.exit(new CommandLine(new SparkCaptionBenchmark()).execute(args));
    }

    @Option(names = "--images", paramLabel = "N", defaultValue = "256", description = "Images to caption. "
            + "Default: ${DEFAULT-VALUE}.")
    int images;

    @Option(names = "--steps", paramLabel = "N", description = "Solver steps. Default: the bundle's.")
    Integer steps;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "16", description = "Rows per engine call. "
            + "Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--bundle", paramLabel = "DIR", description = "Model bundle. Default: the bundled model.")
    String bundle;

    @Option(names = "--master", paramLabel = "URL", description = "Spark masters to time, in order (repeat the "
            + "option); a spark:// master gets this program's jar shipped to its executors, and the image folder "
            + "must be readable at the same path there (a cluster on this machine). Default: local[1] and local[2].")
    List<String> masters;

    @Option(names = "--jar", paramLabel = "JAR", description = "The jar a spark:// master's executors get (the "
            + "cluster jar: the Spark jobs with the library). Default: the jar the Spark jobs were loaded from.")
    String jar;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (images < 1 || images > 100_000) {
            throw new IllegalArgumentException("--images must be from 1 to 100000, got " + images);
        }
        PrintWriter out = spec.commandLine().getOut();
        Path work = Files.createTempDirectory("unidiff-spark-bench");
        try {
            Path folder = Files.createDirectories(work.resolve("images"));
            writeImages(folder, images);
            SparkJobOptions options = new SparkJobOptions(bundle, null, 0L, steps, null, batch, null, null, "cpu", false);
            Map<String, Double> seconds = new LinkedHashMap<>();
            Map<String, String> captions = apiRuns(folder, options, seconds);
            List<String> checks = new ArrayList<>();
            for (String master : masters == null ? List.of("local[1]", "local[2]") : masters) {
                sparkRun(master, folder, work, options, captions, checks, seconds, jar == null ? jobsJar() : jar);
            }
            out.println("| setup | images | seconds | images/s |");
            out.println("|---|---:|---:|---:|");
            for (Map.Entry<String, Double> e : seconds.entrySet()) {
                out.printf("| %s | %d | %.2f | %.1f |%n", e.getKey(), images, e.getValue(), images / e.getValue());
            }
            out.println();
            out.println("Captions of every Spark run equal the API's: " + (checks.isEmpty() ? "yes" : "NO " + checks));
            out.println("Machine: " + Runtime.getRuntime().availableProcessors() + " cores, Java "
                    + Runtime.version() + "; steps " + (steps == null ? "(bundle default)" : steps) + ", batch " + batch
                    + ".");
            return checks.isEmpty() ? 0 : 1;
        } finally {
            try (Stream<Path> all = Files.walk(work)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The plain API in this process: one by one, then batched; returns the captions by path. */
    private Map<String, String> apiRuns(Path folder, SparkJobOptions options, Map<String, Double> seconds)
            throws IOException {
        List<String> paths = new ArrayList<>();
        List<ImageToTextRequest> requests = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path p : files.sorted().toList()) {
                // The path as Spark's binaryFile source lists it, so the seeds match the job's.
                String path = p.toUri().toString().replaceFirst("^file:///", "file:/");
                paths.add(path);
                requests.add(new ImageToTextRequest(Images.read(path, Files.readAllBytes(p)),
                        options.sampling(RowSeeds.of(options.jobSeed(), path))));
            }
        }
        UnidiffOptions open = bundle == null ? UnidiffOptions.defaults() : UnidiffOptions.defaults().withBundle(Path.of(bundle));
        Map<String, String> captions = new LinkedHashMap<>();
        try (Unidiff unidiff = Unidiff.open(open)) {
            unidiff.runAll(Recipes.IMAGE_TO_TEXT, requests.subList(0, Math.min(batch, requests.size())));
            long t0 = System.nanoTime();
            for (ImageToTextRequest r : requests) {
                unidiff.imageToText(r);
            }
            seconds.put("API, one request at a time", (System.nanoTime() - t0) / 1e9);
            t0 = System.nanoTime();
            List<TextResult> results = new ArrayList<>();
            for (int i = 0; i < requests.size(); i += batch) {
                results.addAll(unidiff.runAll(Recipes.IMAGE_TO_TEXT, requests.subList(i, Math.min(i + batch,
                        requests.size()))));
            }
            seconds.put("API, runAll in batches of " + batch, (System.nanoTime() - t0) / 1e9);
            for (int i = 0; i < paths.size(); i++) {
                captions.put(paths.get(i), results.get(i).text());
            }
        }
        return captions;
    }

    /**
     * One Spark session on {@code master}: a warm-up job, then the timed job (as many partitions
     * as the master has task slots); checks its captions and records its seconds.
     */
    private static void sparkRun(String master, Path folder, Path work, SparkJobOptions options,
                                 Map<String, String> expected, List<String> mismatches, Map<String, Double> seconds,
                                 String jobsJar) {
        SparkSession.Builder builder = SparkSession.builder().master(master).appName("unidiff caption benchmark")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4");
        if (master.startsWith("spark://")) {
            // The executors of a real cluster need the job's classes.
            builder.config("spark.jars", jobsJar).config("spark.executor.memory", "2g");
        }
        SparkSession spark = builder.getOrCreate();
        try {
            int partitions = spark.sparkContext().defaultParallelism();
            String warm = work.resolve("warm-" + partitions).toString();
            // Its own temporary folder: replaced freely between masters.
            CaptionJob.run(spark, folder.resolve("img-0000*.png").toString(), warm, partitions, options,
                    SaveMode.Overwrite);
            String output = work.resolve("captions-" + partitions).toString();
            long t0 = System.nanoTime();
            CaptionJob.run(spark, folder.toString(), output, partitions, options, SaveMode.Overwrite);
            double s = (System.nanoTime() - t0) / 1e9;
            for (Row r : spark.read().parquet(output).select("path", "caption").collectAsList()) {
                if (!String.valueOf(r.getString(1)).equals(expected.get(r.getString(0)))) {
                    mismatches.add(master + " " + r.getString(0));
                }
            }
            if (spark.read().parquet(output).count() != expected.size()) {
                mismatches.add(master + ": row count");
            }
            seconds.put("Spark caption job, " + master + ", " + partitions + " partition(s)", s);
        } finally {
            spark.stop();
        }
    }

    /** The jar (or classes folder) the Spark jobs were loaded from. */
    private static String jobsJar() {
        try {
            return Path.of(CaptionJob.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("cannot locate the Spark jobs' jar", e);
        }
    }

    /** Simple coloured shapes on plain backgrounds, like the default model's world. */
    private static void writeImages(Path folder, int count) {
        SplittableRandom random = new SplittableRandom(17);
        Color[] colors = {Color.RED, Color.GREEN, Color.BLUE, Color.YELLOW, Color.WHITE, Color.BLACK};
        for (int i = 0; i < count; i++) {
            BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setColor(colors[random.nextInt(colors.length)]);
            g.fillRect(0, 0, 64, 64);
            g.setColor(colors[random.nextInt(colors.length)]);
            int size = 12 + random.nextInt(30);
            int x = random.nextInt(64 - size);
            int y = random.nextInt(64 - size);
            if (random.nextBoolean()) {
                g.fillOval(x, y, size, size);
            } else {
                g.fillRect(x, y, size, size);
            }
            g.dispose();
            try {
                ImageIO.write(image, "png", folder.resolve(String.format("img-%04d.png", i)).toFile());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write benchmark image " + i, e);
            }
        }
    }
}
