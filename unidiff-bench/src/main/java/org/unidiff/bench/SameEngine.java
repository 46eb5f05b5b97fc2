package org.unidiff.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unidiff.api.Unidiff;
import org.unidiff.api.core.UnidiffOptions;
import org.unidiff.runtime.manifest.BundleManifest;
import org.unidiff.sampling.solver.SamplerKind;
import org.unidiff.shapes.Renderer;

/**
 * The speed benchmark's same-engine tables: the Java library against {@link OrtPeer} (the same ONNX files in
 * Python onnxruntime), one Java run and one Python run in turn, the first of the pair alternating, so that a busy
 * moment of the machine falls on both; and, for each {@code --compare-transformer} file, the guided transformer
 * call at 2 rows (text to image, batch 1) of the bundle's transformer against that file's, in Java and in Python.
 */
final class SameEngine {

    private static final Logger LOG = LoggerFactory.getLogger(SameEngine.class);

    private SameEngine() {
    }

    static List<ResultTable> tables(SpeedBenchmark b, UnidiffOptions options, Path bundleDir) {
        ResultTable table;
        List<ResultTable> out = new ArrayList<>();
        Path root = b.repoRoot();
        String why = null;
        OrtPeer.Setup setup = null;
        if (root == null) {
            why = "repository root not found from " + Path.of("").toAbsolutePath() + " (--repo)";
        } else {
            setup = b.ortPython != null ? new OrtPeer.Setup(b.ortPython, null)
                    : OrtPeer.setUp(root, b.ortVenv.isAbsolute() ? b.ortVenv : root.resolve(b.ortVenv));
            why = setup.whyNot();
        }
        if (why != null) {
            table = new ResultTable("Same engine: Java against Python onnxruntime", List.of("task", "result"));
            table.addRow(List.of("*", "not available"));
            table.addNote("the onnxruntime peer is not available: " + why);
            out.add(table);
            return out;
        }
        Path image = null;
        List<Path> temporary = new ArrayList<>();
        try {
            image = Files.createTempFile("unidiff-bench-caption", ".rgb");
            Files.write(image, Renderer.renderBytes(SpeedTask.CAPTION_SCENE));
            out.add(tasksTable(b, options, bundleDir, root, setup.python(), image));
            if (b.compareTransformers != null) {
                for (Path file : b.compareTransformers) {
                    Path variant = variantBundle(bundleDir, file);
                    temporary.add(variant);
                    out.add(transformerTable(b, options, bundleDir, variant, file, root, setup.python(), image));
                }
            }
        } catch (IOException | RuntimeException e) {
            // A variant the Java library refuses (an operator its ONNX Runtime lacks) is a result to report.
            table = new ResultTable("Same engine: Java against Python onnxruntime", List.of("task", "result"));
            table.addRow(List.of("*", "failed"));
            table.addNote("the onnxruntime peer failed: " + e.getMessage());
            out.add(table);
        } finally {
            delete(image);
            temporary.forEach(SameEngine::deleteTree);
        }
        return out;
    }

    private static ResultTable tasksTable(SpeedBenchmark b, UnidiffOptions options, Path bundleDir, Path root,
                                          Path python, Path image) throws IOException {
        CallClock clock = new CallClock();
        try (Unidiff unidiff = Unidiff.open(options, clock)) {
            Settings s = Settings.of(b, unidiff.manifest());
            ResultTable table = new ResultTable("Same engine: Java against Python onnxruntime, interleaved ("
                    + s.sampler + ", " + s.steps + " steps, guidance " + s.guidance + ")",
                    List.of("task", "java ms/output", "python ms/output", "java / python", "calls", "rows",
                            "java ms/call", "python ms/call", "java / python per call", "pair ratio: median",
                            "min", "IQR", "resolves"));
            try (OrtPeer peer = OrtPeer.start(config(b, s, root, python, bundleDir, null, image))) {
                for (SpeedTask task : SpeedTask.values()) {
                    if (b.peerTasks != null && !b.peerTasks.contains(task.id())) {
                        continue;
                    }
                    if (task.groupSize() > unidiff.manifest().group().maxSize()) {
                        continue;
                    }
                    LOG.info("same engine: {} ({} warm-up, {} timed pairs)", task.id(), b.warmup, b.repeats);
                    Timings javaTotal = new Timings();
                    Timings pyTotal = new Timings();
                    Timings javaCalls = new Timings();
                    Timings pyCalls = new Timings();
                    // One Java / Python ratio per timed pair: its spread says what the comparison resolves.
                    RatioSpread pairs = new RatioSpread();
                    int calls = 0;
                    int rows = 0;
                    for (int r = 0; r < b.warmup + b.repeats; r++) {
                        long seed = b.seed + r;
                        long javaNanos = 0;
                        OrtPeer.Run py = null;
                        // Alternate who goes first, so neither side always follows the other's cache state.
                        for (int side = 0; side < 2; side++) {
                            if ((side + r) % 2 == 0) {
                                clock.reset();
                                long t0 = System.nanoTime();
                                task.run(unidiff, seed, s.steps, s.sampler);
                                javaNanos = System.nanoTime() - t0;
                            } else {
                                py = peer.run(task.id(), seed);
                            }
                        }
                        if (r < b.warmup) {
                            continue;
                        }
                        javaTotal.add(javaNanos);
                        pyTotal.add(py.nanos());
                        pairs.add(javaNanos / (double) py.nanos());
                        long[] jc = clock.calls();
                        for (long c : jc) {
                            javaCalls.add(c);
                        }
                        for (long c : py.callNanos()) {
                            pyCalls.add(c);
                        }
                        calls = jc.length;
                        rows = clock.rows();
                        if (py.callNanos().length != jc.length || py.rows() != rows) {
                            table.addNote(task.id() + ": Java made " + jc.length + " transformer calls of " + rows
                                    + " rows, Python " + py.callNanos().length + " of " + py.rows());
                        }
                    }
                    int n = task.outputs();
                    double j = javaTotal.medianMillis() / n;
                    double p = pyTotal.medianMillis() / n;
                    table.addRow(List.of(task.label(), fmt(j, 1), fmt(p, 1), fmt(j / p, 2), Integer.toString(calls),
                            Integer.toString(rows), fmt(javaCalls.medianMillis(), 2), fmt(pyCalls.medianMillis(), 2),
                            fmt(javaCalls.medianMillis() / pyCalls.medianMillis(), 2), fmt(pairs.median(), 2),
                            fmt(pairs.min(), 2), pairs.interquartile(),
                            String.format(Locale.ROOT, "%.0f%%", 100 * pairs.relativeHalfSpread())));
                }
                table.addNote(String.format(Locale.ROOT, "medians of %d Java/Python pairs after %d warm-up pairs, "
                                + "who goes first alternating; the same ONNX files, all graph optimizations, intra-op "
                                + "threads %s; Java ONNX Runtime %s, Python onnxruntime %s; per call = every "
                                + "transformer call of the timed runs; ms/output = whole task / images (or captions); "
                                + "pair ratio = Java time / Python time of each pair (median, smallest, interquartile "
                                + "range); resolves = half the interquartile range over the median, about the "
                                + "smallest difference from 1.0 the pairs tell apart",
                        b.repeats, b.warmup, s.threads == 0 ? "each side's default" : s.threads,
                        ortJavaVersion(), peer.onnxruntimeVersion()));
            }
            return table;
        }
    }

    private static ResultTable transformerTable(SpeedBenchmark b, UnidiffOptions options, Path bundleDir,
                                                Path variant, Path file, Path root, Path python, Path image)
            throws IOException {
        CallClock baseClock = new CallClock();
        CallClock variantClock = new CallClock();
        try (Unidiff base = Unidiff.open(options, baseClock);
             Unidiff other = Unidiff.open(options.withBundle(variant), variantClock)) {
            Settings s = Settings.of(b, base.manifest());
            ResultTable table = new ResultTable("Guided transformer call (text->image, batch 1): the bundle's "
                    + "transformer against " + file.getFileName(), List.of("side", "bundle's ms/call",
                    file.getFileName() + " ms/call", "ratio", "bundle's ms/image", file.getFileName() + " ms/image",
                    "ratio "));
            try (OrtPeer peerBase = OrtPeer.start(config(b, s, root, python, bundleDir, null, image));
                 OrtPeer peerOther = OrtPeer.start(config(b, s, root, python, bundleDir, file, image))) {
                Timings[] calls = {new Timings(), new Timings(), new Timings(), new Timings()};
                Timings[] totals = {new Timings(), new Timings(), new Timings(), new Timings()};
                for (int r = 0; r < b.warmup + b.repeats; r++) {
                    long seed = b.seed + r;
                    // Four runs a repetition, in an order that rotates, so no variant always runs first.
                    for (int k = 0; k < 4; k++) {
                        int which = (k + r) % 4;
                        long[] c;
                        long nanos;
                        if (which < 2) {
                            CallClock clock = which == 0 ? baseClock : variantClock;
                            clock.reset();
                            long t0 = System.nanoTime();
                            SpeedTask.T2I_1.run(which == 0 ? base : other, seed, s.steps, s.sampler);
                            nanos = System.nanoTime() - t0;
                            c = clock.calls();
                        } else {
                            OrtPeer.Run run = (which == 2 ? peerBase : peerOther).run(SpeedTask.T2I_1.id(), seed);
                            nanos = run.nanos();
                            c = run.callNanos();
                        }
                        if (r >= b.warmup) {
                            totals[which].add(nanos);
                            for (long v : c) {
                                calls[which].add(v);
                            }
                        }
                    }
                }
                for (int side = 0; side < 2; side++) {
                    Timings bc = calls[2 * side];
                    Timings vc = calls[2 * side + 1];
                    Timings bt = totals[2 * side];
                    Timings vt = totals[2 * side + 1];
                    table.addRow(List.of(side == 0 ? "java" : "python", fmt(bc.medianMillis(), 2),
                            fmt(vc.medianMillis(), 2), fmt(vc.medianMillis() / bc.medianMillis(), 2),
                            fmt(bt.medianMillis(), 1), fmt(vt.medianMillis(), 1),
                            fmt(vt.medianMillis() / bt.medianMillis(), 2)));
                }
                table.addNote(String.format(Locale.ROOT, "%s, %d steps, guidance %s: every call has 2 rows "
                                + "(conditional and unconditional); medians over %d repetitions after %d warm-up, "
                                + "four runs a repetition in rotating order; ratio = %s / bundle's",
                        s.sampler, s.steps, s.guidance, b.repeats, b.warmup, file.getFileName()));
            }
            return table;
        }
    }

    private static OrtPeer.Config config(SpeedBenchmark b, Settings s, Path root, Path python, Path bundleDir,
                                         Path transformer, Path image) {
        return new OrtPeer.Config(python, root, bundleDir, transformer, s.steps, s.guidance, s.threads,
                SpeedTask.PROMPT, SpeedTask.GROUP_CAPTIONS, image);
    }

    /**
     * A copy of the bundle folder with its transformer replaced by {@code transformer}: copied, not linked,
     * because the bundle loader refuses files that lead outside the bundle.
     */
    static Path variantBundle(Path bundleDir, Path transformer) throws IOException {
        if (!Files.isRegularFile(transformer)) {
            throw new IOException("--compare-transformer " + transformer + " is not a file");
        }
        Path dir = Files.createTempDirectory("unidiff-variant-bundle");
        try (Stream<Path> all = Files.walk(bundleDir)) {
            for (Path e : all.toList()) {
                Path target = dir.resolve(bundleDir.relativize(e).toString());
                if (Files.isDirectory(e)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(e, target);
                }
            }
        }
        Files.copy(transformer, dir.resolve("transformer").resolve("model.onnx"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return dir;
    }

    private static String ortJavaVersion() {
        Package p = ai.onnxruntime.OrtEnvironment.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "(version not stated in its jar)" : v;
    }

    private static String fmt(double v, int decimals) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static void delete(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                LOG.debug("could not delete {}: {}", p, e.getMessage());
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(SameEngine::delete);
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("could not delete {}: {}", dir, e.getMessage());
        }
    }

    /** What both sides run: the benchmark's options resolved against the bundle's defaults. */
    private record Settings(String sampler, int steps, double guidance, int threads) {

        static Settings of(SpeedBenchmark b, BundleManifest m) {
            String sampler = SamplerKind.parse(b.model.sampler != null ? b.model.sampler : m.defaults().sampler()).id();
            if (!sampler.equals("dpm-solver")) {
                throw new IllegalArgumentException("the onnxruntime peer implements dpm-solver only, not " + sampler);
            }
            return new Settings(sampler, b.model.steps != null ? b.model.steps : m.defaults().steps(),
                    m.defaults().guidanceScale(), b.model.threads() == null ? 0 : b.model.threads());
        }
    }
}
