package org.unidiff.bench.incontext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unidiff.api.Unidiff;
import org.unidiff.api.core.UnidiffOptions;
import org.unidiff.bench.ResultTable;
import org.unidiff.bench.TableOutput;
import org.unidiff.shapes.incontext.InContextTask;
import org.unidiff.shapes.incontext.Transform;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The in-context quality benchmark: per task, the fraction of answers equal to the task applied
 * to the query (all five attributes by the analyzer; IoU >= 0.8 for the mask), seen and held-out
 * combinations apart, beside two baselines (the query unchanged; no examples); then accuracy
 * against k and the guidance scale.
 *
 * <pre>
 * unidiff-bench/bench.sh in-context --items-per-transform 100 --out docs/quality-in-context.md
 * </pre>
 */
@Command(name = "bench-in-context", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Scores an in-context bundle on the shapes-world transforms.")
public final class InContextBenchmark implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(InContextBenchmark.class);
    private static final double SEEN_TARGET = 0.80;
    private static final double HELD_OUT_TARGET = 0.50;

    @Option(names = "--bundle", paramLabel = "DIR", defaultValue = "models/incontext/bundle",
            description = "In-context bundle (default: ${DEFAULT-VALUE}).")
    Path bundle;

    @Option(names = "--items-per-transform", paramLabel = "N", defaultValue = "100",
            description = "Items per transform, shared by its seen arguments; each held-out combination gets at least "
                    + "half as many (default: ${DEFAULT-VALUE}).")
    int itemsPerTransform;

    @Option(names = "--items", paramLabel = "N", description = "Items per task instead (every task the same).")
    Integer items;

    @Option(names = "--k", paramLabel = "K", defaultValue = "4", description = "Example pairs (default: "
            + "${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--steps", paramLabel = "N", description = "Euler steps (default: the bundle's grid).")
    Integer steps;

    @Option(names = "--sweep-items", paramLabel = "N", defaultValue = "10",
            description = "Items per task in each cell of the k x guidance table; 0 skips it (default: "
                    + "${DEFAULT-VALUE}).")
    int sweepItems;

    @Option(names = "--tasks", paramLabel = "IDS", split = ",", description = "Only these tasks (e.g. recolor:red,"
            + "mask); default all.")
    List<String> tasks;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Item seed (default: "
            + "${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the tables (markdown, or CSV for *.csv).")
    Path out;

    /**
     * Runs the command line.
     *
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new InContextBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if ((items != null && (items < 1 || items > ItemCounts.MAX_PER_TRANSFORM)) || k < 1 || sweepItems < 0
                || itemsPerTransform < 1 || itemsPerTransform > ItemCounts.MAX_PER_TRANSFORM) {
            System.err.println("bench-in-context: need --items and --items-per-transform in 1.."
                    + ItemCounts.MAX_PER_TRANSFORM + ", --k >= 1, --sweep-items >= 0");
            return 2;
        }
        List<InContextTask> chosen = new ArrayList<>();
        try {
            for (InContextTask t : InContextTask.all()) {
                if (tasks == null || tasks.contains(t.id())) {
                    chosen.add(t);
                }
            }
            if (chosen.isEmpty()) {
                throw new IllegalArgumentException("no task matches --tasks " + tasks + "; tasks are "
                        + InContextTask.all().stream().map(InContextTask::id).toList());
            }
        } catch (IllegalArgumentException | org.unidiff.api.core.UnidiffException e) {
            System.err.println("bench-in-context: " + e.getMessage());
            return 2;
        }
        List<ResultTable> tables = new ArrayList<>();
        long start = System.nanoTime();
        try (Unidiff unidiff = Unidiff.open(UnidiffOptions.defaults().withBundle(bundle))) {
            InContextRunner runner = new InContextRunner(unidiff, steps);
            List<TaskScore> scores = new ArrayList<>();
            Map<InContextTask, Integer> counts = ItemCounts.perTransform(chosen, itemsPerTransform);
            for (InContextTask task : chosen) {
                LOG.info("in-context: {}", task.id());
                int n = items != null ? items : counts.get(task);
                scores.add(runner.scoreTask(InContextItems.of(task, k, n, seed)));
            }
            tables.add(perTransform(scores));
            tables.add(perTask(scores));
            if (sweepItems > 0) {
                tables.add(sweep(runner, chosen));
            }
        }
        for (ResultTable t : tables) {
            System.out.println(t.toText());
        }
        if (out != null) {
            TableOutput.write(out, tables);
        }
        LOG.info("in-context benchmark: {} s", String.format(Locale.ROOT, "%.0f", (System.nanoTime() - start) / 1e9));
        return 0;
    }

    private ResultTable perTransform(List<TaskScore> scores) {
        ResultTable table = new ResultTable(String.format(Locale.ROOT, "In-context accuracy per transform, k = %d",
                k), List.of("transform", "items", "accuracy", "query unchanged", "no examples", "target", "verdict"));
        Map<Transform, TaskScore> seen = new LinkedHashMap<>();
        List<TaskScore> held = new ArrayList<>();
        for (TaskScore s : scores) {
            if (s.task().isHeldOut()) {
                held.add(s);
            } else {
                seen.merge(s.task().transform(), s, TaskScore::plus);
            }
        }
        for (Map.Entry<Transform, TaskScore> e : seen.entrySet()) {
            String name = e.getKey().arguments().isEmpty() ? e.getKey().id() : e.getKey().id() + " (seen arguments)";
            table.addRow(row(name, e.getValue(), SEEN_TARGET));
        }
        for (TaskScore s : held) {
            table.addRow(row(s.task().id() + " (held out)", s, HELD_OUT_TARGET));
        }
        table.addNote("right = the analyzer finds all five attributes of the transformed query (mask: IoU >= "
                + InContextScoring.MIN_IOU + " with the exact mask); a transform's seen arguments are pooled, each "
                + "held-out combination (never in training) is its own row; 'query unchanged' scores the query "
                + "itself, 'no examples' the model with every example frame replaced by noise (k = 0); steps and "
                + "guidance: the bundle's defaults" + (steps == null ? "" : ", steps " + steps) + "; item seed " + seed);
        return table;
    }

    private ResultTable perTask(List<TaskScore> scores) {
        ResultTable table = new ResultTable(String.format(Locale.ROOT, "In-context accuracy per task, k = %d", k),
                List.of("task", "held out", "items", "accuracy", "query unchanged", "no examples"));
        for (TaskScore s : scores) {
            table.addRow(List.of(s.task().id(), s.task().isHeldOut() ? "yes" : "", Integer.toString(s.items()),
                    fmt(s.accuracy()), fmt(s.unchangedAccuracy()), fmt(s.noneAccuracy())));
        }
        return table;
    }

    private static List<String> row(String name, TaskScore s, double target) {
        return List.of(name, Integer.toString(s.items()), fmt(s.accuracy()), fmt(s.unchangedAccuracy()),
                fmt(s.noneAccuracy()), ">= " + fmt(target), s.accuracy() >= target ? "pass" : "FAIL");
    }

    private ResultTable sweep(InContextRunner runner, List<InContextTask> chosen) {
        double[] scales = {0, 0.5, 1.5, 3};
        List<String> header = new ArrayList<>(List.of("k"));
        for (double s : scales) {
            header.add(String.format(Locale.ROOT, "guidance %.1f (seen / held out)", s));
        }
        ResultTable table = new ResultTable(String.format(Locale.ROOT, "In-context accuracy against k and guidance, "
                + "%d items per task and cell", sweepItems), header);
        for (int kk : new int[] {1, 2, 4}) {
            List<String> row = new ArrayList<>(List.of(Integer.toString(kk)));
            List<InContextItem> seen = new ArrayList<>();
            List<InContextItem> held = new ArrayList<>();
            for (InContextTask task : chosen) {
                (task.isHeldOut() ? held : seen).addAll(InContextItems.of(task, kk, sweepItems, seed + 17));
            }
            for (double s : scales) {
                LOG.info("in-context sweep: k {}, guidance {}", kk, s);
                row.add((seen.isEmpty() ? "-" : fmt(runner.accuracy(seen, s))) + " / "
                        + (held.isEmpty() ? "-" : fmt(runner.accuracy(held, s))));
            }
            table.addRow(row);
        }
        table.addNote("guidance in this library's form c + s (c - u); LaVin-DiT's scale 1.5 in its form u + s (c - u) is "
                + "s = 0.5 here, its 3 is 2; s = 0 is no guidance");
        return table;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
