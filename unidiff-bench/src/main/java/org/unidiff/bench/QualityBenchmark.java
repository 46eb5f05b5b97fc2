package org.unidiff.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unidiff.api.core.DefaultBundle;
import org.unidiff.api.InversionRequest;
import org.unidiff.api.Unidiff;
import org.unidiff.api.core.UnidiffOptions;
import org.unidiff.runtime.manifest.BundleManifest;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The quality benchmark: every metric of the shapes world through the public API on one bundle, printed as a
 * table of metric, value, count, target and pass/fail.
 *
 * <pre>
 * scripts/bench-quality.sh                        # the default model, every metric, default sizes
 * scripts/bench-quality.sh --metrics t2i,caption --samples-per-metric 40 --out target/quality.md
 * </pre>
 */
@Command(name = "bench-quality", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Scores every task of a shapes-world model with the analyzer and the caption parser.")
public final class QualityBenchmark implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(QualityBenchmark.class);

    @Mixin
    BenchModel model = new BenchModel();

    @Option(names = "--samples-per-metric", paramLabel = "N", defaultValue = "200",
            description = "Images, captions or pairs per metric (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--image-only-samples", paramLabel = "N", defaultValue = "300",
            description = "Unconditional images for validity and distinct scenes; the target counts 300 "
                    + "(default: ${DEFAULT-VALUE}).")
    int imageOnlySamples;

    @Option(names = "--groups", paramLabel = "N", defaultValue = "100",
            description = "Groups per group metric (default: ${DEFAULT-VALUE}).")
    int groups;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "4",
            description = "Outputs per request: each prompt, image or group is sampled this many times at once "
                    + "(default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--metrics", paramLabel = "LIST", defaultValue = "all",
            description = "Comma-separated subset of: t2i, caption, joint, joint-via-text, image-only, "
                    + "image-only-via-text, text-only, variation, group, group-ref, guidance, vae (default: all).")
    String metrics;

    @Option(names = "--guidance-scales", paramLabel = "LIST", split = ",", defaultValue = "0,1,3,7",
            description = "Scales of the guidance metric, increasing (default: ${DEFAULT-VALUE}).")
    List<Double> guidanceScales;

    @Option(names = "--guidance", paramLabel = "S",
            description = "Guidance scale of every metric but the guidance sweep (default: the bundle's).")
    Double guidance;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "7",
            description = "Master seed of every prompt, image and group set (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the table: CSV for *.csv, else markdown.")
    Path out;

    /**
     * Runs the command line.
     *
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new QualityBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Set<QualityMetric> chosen;
        QualitySettings settings;
        UnidiffOptions options;
        try {
            chosen = QualityMetric.parseList(metrics);
            settings = new QualitySettings(seed, model.steps, model.sampler, samples, imageOnlySamples, groups, batch,
                    guidanceScales, guidance);
            options = model.options();
        } catch (IllegalArgumentException | org.unidiff.api.core.UnidiffException e) {
            System.err.println("bench-quality: " + e.getMessage());
            return 2;
        }
        long start = System.nanoTime();
        try (Unidiff unidiff = Unidiff.open(options)) {
            BundleManifest m = unidiff.manifest();
            QualityRunner runner;
            try {
                Path bundleDir = options.bundleIfSet().orElseGet(DefaultBundle::locate);
                runner = new QualityRunner(unidiff, settings, () -> VaeRoundTrip.open(bundleDir, options.execution()));
            } catch (IllegalArgumentException | org.unidiff.api.core.UnidiffException e) {
                System.err.println("bench-quality: " + e.getMessage());
                return 2;
            }
            List<MetricRow> rows = runner.run(chosen);
            ResultTable table = ResultTable.ofMetrics("Quality of model '" + m.name() + "'", rows);
            String steps = settings.steps() == null ? m.defaults().steps() + " steps (the bundle's default)"
                    : settings.steps() + " steps";
            table.addNote(String.format(Locale.ROOT, "sampler %s, %s, guidance %s, seed %d, %d per metric, "
                            + "%d groups, batch %d; %.0f s", settings.sampler() == null ? m.defaults().sampler()
                            : settings.sampler(), steps, settings.guidanceOr(m.defaults().guidanceScale()), seed,
                    samples, groups, batch, (System.nanoTime() - start) / 1e9));
            if (settings.steps() == null && (chosen.contains(QualityMetric.INVERSION)
                    || chosen.contains(QualityMetric.INTERPOLATION))) {
                // Those two tasks do not take the bundle's step count when none is given (InversionRequest).
                table.addNote("inversion and interpolation ran at " + InversionRequest.DEFAULT_STEPS
                        + " steps, their own default when --steps is not given");
            }
            System.out.print(table.toText());
            if (out != null) {
                TableOutput.write(out, List.of(table));
                LOG.info("wrote {}", out);
            }
        }
        return 0;
    }
}
