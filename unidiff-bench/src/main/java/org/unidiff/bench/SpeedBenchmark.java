package org.unidiff.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unidiff.api.core.DefaultBundle;
import org.unidiff.api.Recipes;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.TextToImageRequest;
import org.unidiff.api.Unidiff;
import org.unidiff.api.core.UnidiffOptions;
import org.unidiff.runtime.manifest.BundleManifest;
import org.unidiff.sampling.solver.SamplerKind;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The speed benchmark: the same generations timed through the Java API and through the Python reference, where
 * the Java time goes, and the process's memory.
 *
 * <pre>
 * scripts/bench-speed.sh                                   # the default model, its sampler and steps
 * scripts/bench-speed.sh --repeats 3 --leak-generations 100 --out target/speed.md
 * </pre>
 *
 * <p>Order of work, so each number means what it says: Java timings (warm-up runs excluded), then the memory
 * runs, reading VmHWM before anything else is loaded; then the API is closed and the bundle reopened for the
 * step-by-step breakdown; the Python reference runs in its own process; last, the same-engine tables
 * ({@link SameEngine}: Java against {@link OrtPeer}, the same ONNX files in Python onnxruntime, interleaved).
 * {@code --same-engine-only} and {@code --throughput} run only their tables.
 */
@Command(name = "bench-speed", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Times generations in Java and in the Python reference, splits the Java time, reads memory.")
public final class SpeedBenchmark implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(SpeedBenchmark.class);
    private static final int[] BATCH_SIZES = {1, 4, 8};
    private static final int MAX_BATCH_REQUESTS = 8;

    @Mixin
    BenchModel model = new BenchModel();

    @Option(names = "--repeats", paramLabel = "N", defaultValue = "5",
            description = "Timed repetitions per task (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "2",
            description = "Untimed runs per task first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of the first repetition.")
    long seed;

    @Option(names = "--leak-generations", paramLabel = "N", defaultValue = "1000",
            description = "Small generations (t2i, captioning, joint in turn) before reading the RSS again "
                    + "(default: ${DEFAULT-VALUE}; 0 skips).")
    int leakGenerations;

    @Option(names = "--leak-steps", paramLabel = "N", defaultValue = "2",
            description = "Solver steps of each small generation (default: ${DEFAULT-VALUE}).")
    int leakSteps;

    @Option(names = "--no-python", description = "Skip the Python reference.")
    boolean noPython;

    @Option(names = "--python", paramLabel = "EXE", defaultValue = "/usr/bin/python3",
            description = "Python with torch and numpy (default: ${DEFAULT-VALUE}).")
    Path python;

    @Option(names = "--reference-work", paramLabel = "DIR", defaultValue = "models/work/default",
            description = "Training run with the PyTorch checkpoints the reference loads (default: ${DEFAULT-VALUE}).")
    Path referenceWork;

    @Option(names = "--repo", paramLabel = "DIR",
            description = "Repository root (default: the working directory or the nearest parent holding models/).")
    Path repo;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the tables: CSV for *.csv, else markdown.")
    Path out;

    @Option(names = "--no-ort-peer", description = "Skip the same-engine peer (the bundle's ONNX files in Python "
            + "onnxruntime).")
    boolean noOrtPeer;

    @Option(names = "--same-engine-only", description = "Only the same-engine tables: Java against the Python "
            + "onnxruntime peer, interleaved (no PyTorch reference, breakdown, batching or memory runs).")
    boolean sameEngineOnly;

    @Option(names = "--ort-python", paramLabel = "EXE", description = "Python with onnxruntime and numpy for the "
            + "same-engine peer (default: a virtual environment made in --ort-venv).")
    Path ortPython;

    @Option(names = "--ort-venv", paramLabel = "DIR", defaultValue = OrtPeer.DEFAULT_VENV,
            description = "Where the peer's virtual environment is made, relative to the repository root "
                    + "(default: ${DEFAULT-VALUE}).")
    Path ortVenv;

    @Option(names = "--peer-tasks", paramLabel = "IDS", split = ",",
            description = "Tasks of the same-engine table (default: all; ids t2i-1, t2i-8, caption, joint, group-4).")
    List<String> peerTasks;

    @Option(names = "--throughput", paramLabel = "LIST", split = ",",
            description = "Only the throughput table: images/s with this many concurrent requests (e.g. 1,2,4), at "
                    + "the process's --threads (scripts/bench-throughput.sh runs one process per thread count).")
    List<Integer> throughput;

    @Option(names = "--throughput-requests", paramLabel = "N", defaultValue = "6",
            description = "Requests per requesting thread in each throughput cell (default: ${DEFAULT-VALUE}).")
    int throughputRequests;

    @Option(names = "--compare-transformer", paramLabel = "FILE", description = "Another transformer ONNX file "
            + "(fused, quantized): per guided call at 2 rows against the bundle's, Java and Python, interleaved.")
    List<Path> compareTransformers;

    /**
     * Runs the command line.
     *
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new SpeedBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        UnidiffOptions options;
        try {
            if (repeats < 1 || warmup < 0 || leakGenerations < 0 || leakSteps < 1) {
                throw new IllegalArgumentException("need --repeats >= 1, --warmup >= 0, --leak-generations >= 0 and "
                        + "--leak-steps >= 1");
            }
            options = model.options();
            if (options.variant() != null && throughput == null && (sameEngineOnly || !noOrtPeer || !noPython)) {
                // The peers run the bundle's main files; timing a variant against them would compare two models.
                throw new IllegalArgumentException("--variant runs the Java side only: add --no-ort-peer --no-python, "
                        + "or compare a variant's file with --compare-transformer FILE");
            }
        } catch (IllegalArgumentException | org.unidiff.api.core.UnidiffException e) {
            System.err.println("bench-speed: " + e.getMessage());
            return 2;
        }
        Path bundleDir = options.bundleIfSet().orElseGet(DefaultBundle::locate);
        if (throughput != null) {
            if (throughput.stream().anyMatch(c -> c < 1) || throughputRequests < 1) {
                System.err.println("bench-speed: --throughput counts and --throughput-requests must be >= 1");
                return 2;
            }
            try (Unidiff unidiff = Unidiff.open(options)) {
                BundleManifest m = unidiff.manifest();
                String sampler = SamplerKind.parse(model.sampler != null ? model.sampler : m.defaults().sampler()).id();
                int steps = model.steps != null ? model.steps : m.defaults().steps();
                print(List.of(Throughput.table(unidiff, throughput, throughputRequests, warmup, seed, steps, sampler,
                        (model.threads() == null ? "default" : model.threads().toString())
                                + (options.variant() == null ? "" : ", variant " + options.variant()))));
            }
            return 0;
        }
        if (sameEngineOnly) {
            List<ResultTable> peerTables = SameEngine.tables(this, options, bundleDir);
            print(peerTables);
            return 0;
        }
        List<ResultTable> tables = new ArrayList<>();
        Map<SpeedTask, Timings> java = new EnumMap<>(SpeedTask.class);
        String samplerName;
        int resolvedSteps;
        double guidance;
        ResultTable memory;
        ResultTable breakdown;
        ResultTable batching;
        String modelName;
        try (Unidiff unidiff = Unidiff.open(options)) {
            BundleManifest m = unidiff.manifest();
            modelName = m.name();
            samplerName = SamplerKind.parse(model.sampler != null ? model.sampler : m.defaults().sampler()).id();
            resolvedSteps = model.steps != null ? model.steps : m.defaults().steps();
            guidance = m.defaults().guidanceScale();
            for (SpeedTask task : SpeedTask.values()) {
                if (task.groupSize() > m.group().maxSize()) {
                    LOG.info("{}: skipped, model '{}' takes groups of at most {}", task.id(), modelName,
                            m.group().maxSize());
                    continue;
                }
                LOG.info("{}: {} warm-up and {} timed runs", task.id(), warmup, repeats);
                for (int i = 0; i < warmup; i++) {
                    task.run(unidiff, seed + i, resolvedSteps, samplerName);
                }
                Timings t = new Timings();
                for (int i = 0; i < repeats; i++) {
                    long start = System.nanoTime();
                    task.run(unidiff, seed + i, resolvedSteps, samplerName);
                    t.add(System.nanoTime() - start);
                }
                java.put(task, t);
            }
            // Memory before the breakdown opens a second copy of the bundle.
            memory = MemoryTable.of(unidiff, samplerName, leakGenerations, leakSteps, seed);
            breakdown = BreakdownTable.of(unidiff, options, samplerName, resolvedSteps, warmup, repeats, seed);
            batching = batchTable(unidiff, samplerName, resolvedSteps);
        }
        ReferenceSpeed.Result reference = reference(bundleDir, samplerName, resolvedSteps, guidance);
        tables.add(speedTable(modelName, samplerName, resolvedSteps, java, reference));
        tables.add(batching);
        tables.add(breakdown);
        tables.add(memory);
        if (!noOrtPeer) {
            tables.addAll(SameEngine.tables(this, options, bundleDir));
        }
        print(tables);
        return 0;
    }

    private void print(List<ResultTable> tables) throws java.io.IOException {
        for (ResultTable table : tables) {
            System.out.println(table.toText());
        }
        if (out != null) {
            TableOutput.write(out, tables);
            LOG.info("wrote {}", out);
        }
    }

    private ResultTable speedTable(String modelName, String samplerName, int resolvedSteps, Map<SpeedTask, Timings> java,
                                   ReferenceSpeed.Result reference) {
        ResultTable table = new ResultTable("Speed of model '" + modelName + "', " + samplerName + ", " + resolvedSteps
                + " steps (ms per call)", List.of("task", "java median", "java p90", "python median", "python p90",
                "java / python"));
        for (SpeedTask task : SpeedTask.values()) {
            Timings j = java.get(task);
            Optional<String> whyNot = reference.whyNot(task.id());
            Timings p = reference.timings().get(task.id());
            table.addRow(List.of(task.label(), millis(j == null ? Double.NaN : j.medianMillis()),
                    millis(j == null ? Double.NaN : j.p90Millis()),
                    whyNot.isPresent() ? "not available" : millis(p.medianMillis()),
                    whyNot.isPresent() ? "-" : millis(p.p90Millis()),
                    j == null || whyNot.isPresent() ? "-"
                            : String.format(Locale.ROOT, "%.2f", j.medianMillis() / p.medianMillis())));
        }
        table.addNote(String.format(Locale.ROOT, "median and p90 of %d runs after %d warm-up runs; "
                + "ONNX Runtime threads: %s%s; torch threads: %s (CPU)", repeats, warmup,
                model.threads() == null ? "default" : model.threads(), model.cuda() ? " (CUDA)" : "",
                reference.threads() == 0 ? "-" : reference.threads()));
        reference.unavailable().forEach((task, why) -> table.addNote("python reference "
                + (task.equals("*") ? "" : task + " ") + "not available: " + why));
        return table;
    }

    /**
     * Text to image: N different requests (prompt and seed each) in one batched call against the same N requests
     * one after another, interleaved per repetition so both see the same machine.
     */
    private ResultTable batchTable(Unidiff unidiff, String samplerName, int resolvedSteps) {
        ResultTable table = new ResultTable("Many requests in one call: text->image, N different requests",
                List.of("requests", "one by one img/s", "batched img/s", "batched / one by one"));
        List<String> prompts = new ArrayList<>();
        PromptSets.evaluation(seed, MAX_BATCH_REQUESTS, PromptSets.Pairs.SEEN).forEach(p -> prompts.add(p.prompt()));
        for (int n : BATCH_SIZES) {
            List<TextToImageRequest> requests = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                requests.add(new TextToImageRequest(prompts.get(i),
                        new SamplingOptions(seed + 31L * i, resolvedSteps, samplerName, null, 1, null)));
            }
            Timings alone = new Timings();
            Timings batched = new Timings();
            for (int r = 0; r < warmup + repeats; r++) {
                long t0 = System.nanoTime();
                for (TextToImageRequest q : requests) {
                    unidiff.textToImage(q);
                }
                long t1 = System.nanoTime();
                unidiff.runAll(Recipes.TEXT_TO_IMAGE, requests);
                long t2 = System.nanoTime();
                if (r >= warmup) {
                    alone.add(t1 - t0);
                    batched.add(t2 - t1);
                }
            }
            double aloneRate = n / (alone.medianMillis() / 1000);
            double batchedRate = n / (batched.medianMillis() / 1000);
            table.addRow(List.of(Integer.toString(n), String.format(Locale.ROOT, "%.2f", aloneRate),
                    String.format(Locale.ROOT, "%.2f", batchedRate),
                    String.format(Locale.ROOT, "%.2f", batchedRate / aloneRate)));
        }
        table.addNote(String.format(Locale.ROOT, "median of %d repetitions after %d warm-up; each request one output, "
                + "its own prompt and seed; batched = Unidiff.runAll(Recipes.TEXT_TO_IMAGE, ...), one solve",
                repeats, warmup));
        return table;
    }

    private ReferenceSpeed.Result reference(Path bundleDir, String samplerName, int resolvedSteps, double guidance) {
        if (noPython) {
            return ReferenceSpeed.Result.notAvailable("skipped (--no-python)");
        }
        Path root = repo != null ? repo : findRepo();
        if (root == null) {
            return ReferenceSpeed.Result.notAvailable("repository root not found from " + Path.of("").toAbsolutePath()
                    + " (--repo)");
        }
        Path work = referenceWork.isAbsolute() ? referenceWork : root.resolve(referenceWork);
        ReferenceSpeed.Config config = new ReferenceSpeed.Config(python, root, work, bundleDir,
                model.threads() == null ? 0 : model.threads());
        Optional<String> why = ReferenceSpeed.precheck(config, samplerName);
        if (why.isPresent()) {
            return ReferenceSpeed.Result.notAvailable(why.get());
        }
        LOG.info("reference: timing the same tasks in PyTorch");
        return ReferenceSpeed.run(config, List.of(SpeedTask.values()), resolvedSteps, guidance, seed, warmup, repeats);
    }

    /** The repository root: --repo, or the working directory or its nearest parent holding the scripts. */
    Path repoRoot() {
        return repo != null ? repo : findRepo();
    }

    private static Path findRepo() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve(ReferenceSpeed.SCRIPT))) {
                return dir;
            }
            dir = dir.getParent();
        }
        return null;
    }

    private static String millis(double ms) {
        return Double.isNaN(ms) ? "-" : String.format(Locale.ROOT, "%.1f", ms);
    }

    private static String mib(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.1f MiB", value);
    }
}
