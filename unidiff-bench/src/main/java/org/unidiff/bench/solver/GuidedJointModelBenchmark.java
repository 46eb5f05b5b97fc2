package org.unidiff.bench.solver;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.unidiff.sampling.PredictionType;
import org.unidiff.sampling.noise.SeededNoiseSource;
import org.unidiff.sampling.plan.GivenValues;
import org.unidiff.sampling.plan.PlanSlot;
import org.unidiff.sampling.plan.GuidedJointModel;
import org.unidiff.sampling.plan.JointBatch;
import org.unidiff.sampling.plan.JointOutputs;
import org.unidiff.sampling.plan.JointPredictor;
import org.unidiff.sampling.plan.JointShape;
import org.unidiff.sampling.plan.Stream;
import org.unidiff.sampling.plan.TaskPlan;
import org.unidiff.sampling.plan.UnconditionalText;
import org.unidiff.sampling.schedule.DiscreteVpSchedule;

/**
 * Measures what {@link GuidedJointModel} adds to every model evaluation on the host, around the
 * transformer call: writing all passes of all samples into the batch (state copies, conditions,
 * fresh noise, re-noised references) and combining the outputs with guidance. The transformer
 * is replaced by a predictor that does nothing, at UniDiffuser v1 sizes (latent 4 x 64 x 64,
 * CLIP 512, text 77 x 64), guidance scale 7.
 *
 * <p>Run it (from the repository root, after {@code mvn -q -pl unidiff-bench -am install -DskipTests}):
 * <pre>
 * mvn -q -pl unidiff-bench exec:java -Dexec.mainClass=org.unidiff.bench.solver.GuidedJointModelBenchmark -Dexec.args="--evaluations 200"
 * </pre>
 * Options: {@code --evaluations N} measured per row (default 200), {@code --warmup N} (default 200; fewer leaves the loops interpreted).
 * It prints a table; for scale, one v1 transformer row costs about 2.3 TFLOP.
 */
public final class GuidedJointModelBenchmark {

    private GuidedJointModelBenchmark() {
    }

    /**
     * Runs the benchmark and prints the table to standard output (the program's output, not a log).
     *
     * @param args see the class documentation
     */
    public static void main(String[] args) {
        int evaluations = 200;
        int warmup = 200;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value");
            }
            int value = Integer.parseInt(args[i + 1]);
            if (value < 1) {
                throw new IllegalArgumentException(args[i] + " must be >= 1, got " + value);
            }
            switch (args[i]) {
                case "--evaluations" -> evaluations = value;
                case "--warmup" -> warmup = value;
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + ", expected --evaluations or --warmup");
            }
        }
        run(evaluations, warmup, System.out);
    }

    private static void run(int evaluations, int warmup, PrintStream out) {
        DiscreteVpSchedule schedule = DiscreteVpSchedule.unidiffuser();
        JointShape v1 = JointShape.unidiffuserV1();
        JointShape group4 = v1.withGroupSize(4);
        GivenValues prompt = GivenValues.builder(v1).text(0, new double[v1.textSize()]).build();
        GivenValues none = GivenValues.none(v1);
        TaskPlan group = TaskPlan.group(List.of(PlanSlot.renoisedReference(true), PlanSlot.cleanReference(true),
                PlanSlot.generate(true), PlanSlot.generate(true)), UnconditionalText.NOISE);
        GivenValues.Builder groupValues = GivenValues.builder(group4);
        for (int g = 0; g < 4; g++) {
            groupValues.text(g, new double[v1.textSize()]);
        }
        groupValues.stream(0, Stream.IMAGE, new double[v1.streamSize(Stream.IMAGE)]);
        groupValues.stream(1, Stream.IMAGE, new double[v1.streamSize(Stream.IMAGE)]);
        List<Object[]> cases = new ArrayList<>();
        for (int n : new int[] {1, 8}) {
            cases.add(new Object[] {TaskPlan.textToImage(), v1, prompt, n});
            cases.add(new Object[] {TaskPlan.joint(), v1, none, n});
        }
        cases.add(new Object[] {group, group4, groupValues.build(), 2});
        out.printf(Locale.ROOT, "%-14s %3s %3s %5s %10s %10s %10s%n", "task", "G", "N", "rows", "mean us", "p50 us",
                "p95 us");
        for (Object[] c : cases) {
            TaskPlan plan = (TaskPlan) c[0];
            JointShape shape = (JointShape) c[1];
            int samples = (Integer) c[3];
            GuidedJointModel model = GuidedJointModel.builder(plan, shape, schedule, new IdlePredictor())
                    .guidanceScale(7).givens((GivenValues) c[2]).dataType(1)
                    .noise(SeededNoiseSource.streams(1, samples)).build();
            double[] x = model.initialState();
            double[] prediction = new double[x.length];
            for (int i = 0; i < warmup; i++) {
                model.predict(x, 0.5, prediction);
            }
            long[] nanos = new long[evaluations];
            for (int i = 0; i < evaluations; i++) {
                long start = System.nanoTime();
                model.predict(x, 1.0 - i / (double) evaluations, prediction);
                nanos[i] = System.nanoTime() - start;
            }
            Arrays.sort(nanos);
            double mean = Arrays.stream(nanos).average().orElse(0) / 1e3;
            out.printf(Locale.ROOT, "%-14s %3d %3d %5d %10.0f %10.0f %10.0f%n", plan.name(), shape.groupSize(), samples,
                    model.rowsPerEvaluation(), mean, nanos[evaluations / 2] / 1e3,
                    nanos[Math.min(evaluations - 1, (int) Math.ceil(0.95 * evaluations) - 1)] / 1e3);
        }
    }

    /** Stands in for the transformer: leaves the (zero) outputs as they are. */
    private static final class IdlePredictor implements JointPredictor {
        @Override
        public PredictionType predictionType() {
            return PredictionType.EPSILON;
        }

        @Override
        public void predict(JointBatch inputs, JointOutputs outputs) {
            // Nothing: the benchmark measures the work around the transformer call.
        }
    }
}
