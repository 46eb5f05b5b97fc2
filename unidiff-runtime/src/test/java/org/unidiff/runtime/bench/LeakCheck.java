package org.unidiff.runtime.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.unidiff.runtime.Bundle;
import org.unidiff.runtime.Fixtures;
import org.unidiff.runtime.ort.ExecutionConfig;
import org.unidiff.runtime.ort.ModelSession;
import org.unidiff.sampling.plan.JointBatch;
import org.unidiff.sampling.plan.JointOutputs;
import org.unidiff.sampling.plan.JointShape;

/**
 * Leak check (a benchmark command, not a unit test): calls every component of the fixture bundle
 * many times, and loads and closes the bundle many times, printing the process's resident memory
 * (VmRSS from /proc/self/status) after each round and the count of open sessions. Native tensors,
 * results or sessions that are never closed show up as RSS growing round after round.
 *
 * <pre>
 * mvn -q -B -ntp -o -pl unidiff-runtime test-compile exec:java \
 *     -Dexec.mainClass=org.unidiff.runtime.bench.LeakCheck -Dexec.classpathScope=test -Dexec.args="5 4000 40"
 * </pre>
 * Arguments: rounds, component-call iterations per round, bundle load/close cycles per round.
 */
public final class LeakCheck {

    private LeakCheck() {
    }

    /** Runs the check; see the class comment for the arguments. */
    public static void main(String[] args) throws IOException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 4000;
        int loads = args.length > 2 ? Integer.parseInt(args[2]) : 40;
        Path bundleDir = Fixtures.tinyBundle();

        System.out.printf("%-22s %6s %10s %12s %14s%n", "phase", "round", "calls", "VmRSS (MiB)", "open sessions");
        try (Bundle bundle = Bundle.load(bundleDir, ExecutionConfig.cpu())) {
            Workload work = new Workload(bundle);
            work.run(200);
            print("components warm-up", 0, 200);
            for (int r = 1; r <= rounds; r++) {
                work.run(calls);
                print("components", r, (long) r * calls);
            }
        }
        for (int r = 1; r <= rounds; r++) {
            for (int i = 0; i < loads; i++) {
                try (Bundle bundle = Bundle.load(bundleDir, ExecutionConfig.cpu())) {
                    bundle.textEncoder().encode(List.of("a red circle"));
                }
            }
            print("load + close bundle", r, (long) r * loads);
        }
    }

    private static void print(String phase, int round, long calls) throws IOException {
        System.gc();
        System.out.printf("%-22s %6d %10d %12.1f %14d%n", phase, round, calls, rssMiB(), ModelSession.openCount());
    }

    private static double rssMiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.trim().split("\\s+");
                return Long.parseLong(parts[1]) / 1024.0;
            }
        }
        return Double.NaN;
    }

    /** One iteration calls each of the six components once. */
    private static final class Workload {
        private final Bundle bundle;
        private final JointBatch batch;
        private final JointOutputs outputs;
        private final float[] latents;
        private final float[] pixels;
        private final float[] clipPixels;
        private final float[] textLatent;

        Workload(Bundle bundle) {
            this.bundle = bundle;
            JointShape shape = bundle.transformer().shape(1);
            this.batch = JointBatch.allocate(shape, 2, bundle.transformer().takesDataType());
            this.outputs = JointOutputs.allocate(shape, 2);
            var m = bundle.manifest();
            this.latents = new float[2 * m.latent().size()];
            this.pixels = new float[2 * 3 * m.image().height() * m.image().width()];
            int s = m.clipImage().preprocess().size();
            this.clipPixels = new float[2 * 3 * s * s];
            this.textLatent = new float[m.text().size()];
        }

        void run(int iterations) {
            for (int i = 0; i < iterations; i++) {
                bundle.transformer().predict(batch, outputs);
                bundle.vaeDecoder().decode(latents, 2);
                bundle.vaeEncoder().encodeMean(pixels, 2);
                bundle.imageEncoder().embed(clipPixels, 2);
                bundle.textEncoder().encode(List.of("a red circle", "blue square"));
                bundle.textDecoder().caption(textLatent);
            }
        }
    }
}
