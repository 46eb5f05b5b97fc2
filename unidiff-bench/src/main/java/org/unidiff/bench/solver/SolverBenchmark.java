package org.unidiff.bench.solver;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.unidiff.sampling.PredictionType;
import org.unidiff.sampling.schedule.DiscreteVpSchedule;
import org.unidiff.sampling.solver.DenoisingModel;
import org.unidiff.sampling.solver.SamplerKind;
import org.unidiff.sampling.solver.Solver;
import org.unidiff.sampling.solver.Solvers;

/**
 * Measures what each solver costs per step on its own, with a model that only copies a
 * precomputed prediction, for a UniDiffuser-sized state (image latent 4 x 64 x 64, CLIP token 512,
 * text latent 77 x 64 = 21,824 doubles per sample) at batch 1 and 8. A step's time is the
 * interval between consecutive listener calls, so it covers the model's copy, the prediction
 * conversion and the update; runs come after warm-up runs so the JIT has compiled the loops.
 *
 * <p>Run it (from the repository root, after {@code mvn -q -pl unidiff-bench -am install -DskipTests}):
 * <pre>
 * mvn -q -pl unidiff-bench exec:java -Dexec.mainClass=org.unidiff.bench.solver.SolverBenchmark -Dexec.args="--runs 20"
 * </pre>
 * Options: {@code --steps N} (default 50), {@code --runs N} measured runs per row (default 20),
 * {@code --warmup N} runs before measuring (default 5), {@code --batches 1,8}.
 * It prints a table; the target is well under 1 ms per step at batch 1.
 */
public final class SolverBenchmark {

    /** Doubles of one UniDiffuser sample: image latent, CLIP image token, text latent. */
    public static final int STATE_PER_SAMPLE = 4 * 64 * 64 + 512 + 77 * 64;

    private SolverBenchmark() {
    }

    /** One row of the table. */
    record Row(String solver, int batch, int stateLength, double meanMicros, double p50Micros, double p95Micros) {
    }

    /**
     * Runs the benchmark and prints the table to standard output (the program's output, so not a log).
     *
     * @param args see the class documentation
     */
    public static void main(String[] args) {
        int steps = 50;
        int runs = 20;
        int warmup = 5;
        int[] batches = {1, 8};
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + option + " needs a value");
            }
            String value = args[++i];
            switch (option) {
                case "--steps" -> steps = positive(option, value);
                case "--runs" -> runs = positive(option, value);
                case "--warmup" -> warmup = Integer.parseInt(value);
                case "--batches" -> batches = Arrays.stream(value.split(",")).mapToInt(b -> positive(option, b))
                        .toArray();
                default -> throw new IllegalArgumentException("unknown option " + option
                        + ", expected --steps, --runs, --warmup or --batches");
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int batch : batches) {
            for (SamplerKind kind : SamplerKind.values()) {
                rows.add(measure(kind, batch, steps, runs, warmup));
            }
        }
        print(rows, steps, runs, System.out);
    }

    private static int positive(String option, String value) {
        int parsed = Integer.parseInt(value.trim());
        if (parsed < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + value);
        }
        return parsed;
    }

    /** Times every step but the first of {@code runs} runs, after {@code warmup} unmeasured runs. */
    static Row measure(SamplerKind kind, int batch, int steps, int runs, int warmup) {
        DiscreteVpSchedule schedule = DiscreteVpSchedule.unidiffuser();
        Solver solver = Solvers.create(kind, schedule, steps);
        int length = STATE_PER_SAMPLE * batch;
        double[] start = new double[length];
        double[] prediction = new double[length];
        for (int i = 0; i < length; i++) {
            // Arbitrary smooth values; only their cost matters, not what they mean.
            start[i] = Math.sin(0.37 * i);
            prediction[i] = 0.5 * Math.cos(0.11 * i);
        }
        DenoisingModel copying = DenoisingModel.of(PredictionType.EPSILON,
                (x, t, out) -> System.arraycopy(prediction, 0, out, 0, out.length));
        for (int r = 0; r < warmup; r++) {
            solver.sample(copying, start, event -> true);
        }
        long[] intervals = new long[runs * (steps - 1)];
        int[] count = {0};
        double sink = 0;
        for (int r = 0; r < runs; r++) {
            long[] last = {-1};
            double[] result = solver.sample(copying, start, event -> {
                long now = System.nanoTime();
                if (last[0] >= 0) {
                    intervals[count[0]++] = now - last[0];
                }
                last[0] = now;
                return true;
            });
            sink += result[r % result.length];
        }
        if (Double.isNaN(sink)) {
            // Keeps the results alive so the runs cannot be optimised away.
            throw new IllegalStateException(kind + " produced NaN");
        }
        long[] measured = Arrays.copyOf(intervals, count[0]);
        Arrays.sort(measured);
        double mean = Arrays.stream(measured).average().orElse(Double.NaN) / 1e3;
        return new Row(kind.id(), batch, length, mean, percentile(measured, 0.50) / 1e3,
                percentile(measured, 0.95) / 1e3);
    }

    private static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    static void print(List<Row> rows, int steps, int runs, PrintStream out) {
        out.printf(Locale.ROOT, "solver overhead per step (%d steps, %d measured runs, model = array copy)%n",
                steps, runs);
        out.printf(Locale.ROOT, "%-14s %6s %13s %12s %12s %12s%n", "solver", "batch", "state length",
                "us/step mean", "p50", "p95");
        for (Row row : rows) {
            out.printf(Locale.ROOT, "%-14s %6d %13d %12.1f %12.1f %12.1f%n", row.solver(), row.batch(),
                    row.stateLength(), row.meanMicros(), row.p50Micros(), row.p95Micros());
        }
    }
}
