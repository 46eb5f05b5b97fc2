package org.unidiff.bench;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unidiff.api.core.DefaultBundle;
import org.unidiff.api.ImageToTextRequest;
import org.unidiff.api.Recipes;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.TextToImageRequest;
import org.unidiff.api.Unidiff;
import org.unidiff.api.core.UnidiffOptions;
import org.unidiff.runtime.manifest.BundleManifest;
import org.unidiff.sampling.solver.SamplerKind;
import org.unidiff.shapes.Renderer;
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
            memory = memoryTable(unidiff, samplerName);
            breakdown = breakdownTable(unidiff, options, samplerName, resolvedSteps);
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

    private ResultTable memoryTable(Unidiff unidiff, String samplerName) {
        ResultTable table = new ResultTable("Memory (resident set of the whole process, native included)",
                List.of("measure", "value"));
        Optional<ProcessMemory> afterTiming = ProcessMemory.now();
        if (afterTiming.isEmpty()) {
            table.addRow(List.of("resident memory", "not available (no /proc/self/status)"));
            return table;
        }
        table.addRow(List.of("peak RSS (VmHWM) after the timing runs", mib(afterTiming.get().peakMib())));
        table.addRow(List.of("RSS before the small generations", mib(afterTiming.get().rssMib())));
        if (leakGenerations == 0) {
            table.addNote("no small generations (--leak-generations 0)");
            return table;
        }
        double heapBefore = heapMib();
        List<SpeedTask> cycle = List.of(SpeedTask.T2I_1, SpeedTask.CAPTION, SpeedTask.JOINT);
        long start = System.nanoTime();
        for (int i = 0; i < leakGenerations; i++) {
            cycle.get(i % cycle.size()).run(unidiff, seed + i, leakSteps, samplerName);
            if ((i + 1) % 100 == 0) {
                LOG.info("memory: {} of {} small generations, RSS {}", i + 1, leakGenerations,
                        mib(ProcessMemory.now().map(ProcessMemory::rssMib).orElse(Double.NaN)));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        ProcessMemory after = ProcessMemory.now().orElseThrow();
        double heapAfter = heapMib();
        table.addRow(List.of("RSS after " + leakGenerations + " small generations (" + leakSteps + " steps)",
                mib(after.rssMib())));
        table.addRow(List.of("RSS growth", mib(after.rssMib() - afterTiming.get().rssMib())));
        table.addRow(List.of("peak RSS (VmHWM) at the end", mib(after.peakMib())));
        table.addRow(List.of("Java heap in use after GC, before / after", mib(heapBefore) + " / " + mib(heapAfter)));
        table.addNote(String.format(Locale.ROOT, "the small generations cycle text->image, captioning and joint; "
                + "%.1f s", seconds));
        return table;
    }

    private ResultTable breakdownTable(Unidiff unidiff, UnidiffOptions options, String samplerName,
                                       int resolvedSteps) {
        ResultTable table = new ResultTable("Where the Java time goes (ms per call, median)",
                List.of("task", "stage", "median ms", "share"));
        ProfilingHooks hooks = new ProfilingHooks();
        try (Unidiff profiled = Unidiff.open(options, hooks)) {
            boolean same = true;
            for (SpeedTask task : List.of(SpeedTask.T2I_1, SpeedTask.CAPTION)) {
                LOG.info("breakdown: {}", task.id());
                boolean captioning = task == SpeedTask.CAPTION;
                Map<BreakdownStage, Timings> stages = new EnumMap<>(BreakdownStage.class);
                Timings total = new Timings();
                Timings api = new Timings();
                Timings samplerOnly = new Timings();
                for (int i = 0; i < warmup + repeats; i++) {
                    long s = seed + i;
                    // The plain API call, the same call on the engine with clocks in its hooks, and the solver
                    // alone, side by side, so that a slower or busier moment of the machine hits all three alike.
                    SamplingOptions one = new SamplingOptions(s, resolvedSteps, samplerName, null, 1, null);
                    long a0 = System.nanoTime();
                    Object apiOut = call(unidiff, captioning, one);
                    long a1 = System.nanoTime();
                    hooks.reset();
                    Object profiledOut = call(profiled, captioning, one);
                    Map<BreakdownStage, Long> run = hooks.nanos();
                    hooks.reset();
                    hooks.zeroTransformer(true);
                    call(profiled, captioning, one);
                    long samplerAlone = hooks.samplingNanos();
                    hooks.zeroTransformer(false);
                    same &= captioning ? profiledOut.equals(apiOut)
                            : Arrays.equals(Renderer.toBytes((BufferedImage) profiledOut),
                                    Renderer.toBytes((BufferedImage) apiOut));
                    if (i < warmup) {
                        continue;
                    }
                    long sum = 0;
                    for (Map.Entry<BreakdownStage, Long> e : run.entrySet()) {
                        stages.computeIfAbsent(e.getKey(), k -> new Timings()).add(e.getValue());
                        sum += e.getValue();
                    }
                    total.add(sum);
                    api.add(a1 - a0);
                    samplerOnly.add(samplerAlone);
                }
                double totalMs = total.medianMillis();
                for (Map.Entry<BreakdownStage, Timings> e : stages.entrySet()) {
                    double ms = e.getValue().medianMillis();
                    table.addRow(List.of(task.label(), e.getKey().label(), millis(ms),
                            String.format(Locale.ROOT, "%.1f%%", 100 * ms / totalMs)));
                }
                table.addRow(List.of(task.label(), "total of the stages", millis(totalMs), "100%"));
                table.addRow(List.of(task.label(), "the API call, timed beside it", millis(api.medianMillis()),
                        String.format(Locale.ROOT, "%.1f%%", 100 * api.medianMillis() / totalMs)));
                table.addRow(List.of(task.label(), "sampler alone (transformer predicting zeros)",
                        millis(samplerOnly.medianMillis()), ""));
            }
            table.addNote("timed through the engine's hooks (the engine itself, no copy of it); every profiled call "
                    + (same ? "reproduced" : "DID NOT reproduce") + " the API's image or caption for the same seed "
                    + "(a plain instance beside it); shares are of the median total, so they need not add up to 100%");
        }
        return table;
    }

    private static Object call(Unidiff u, boolean captioning, SamplingOptions one) {
        return captioning ? u.imageToText(new ImageToTextRequest(SpeedTask.captionInput(), one)).text()
                : u.textToImage(new TextToImageRequest(SpeedTask.PROMPT, one)).image();
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

    private static double heapMib() {
        Runtime rt = Runtime.getRuntime();
        // A request, not a guarantee; good enough to tell a leak (steady growth) from noise.
        System.gc();
        return (rt.totalMemory() - rt.freeMemory()) / (1024.0 * 1024.0);
    }

    private static String millis(double ms) {
        return Double.isNaN(ms) ? "-" : String.format(Locale.ROOT, "%.1f", ms);
    }

    private static String mib(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.1f MiB", value);
    }
}
