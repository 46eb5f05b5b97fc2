package org.unidiff.shapes.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import org.unidiff.shapes.Analysis;
import org.unidiff.shapes.Analyzer;
import org.unidiff.shapes.Degradations;
import org.unidiff.shapes.Renderer;
import org.unidiff.shapes.Scene;
import org.unidiff.shapes.SceneAttributes;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Prints a table of the {@link Analyzer}'s accuracy on renders corrupted by Gaussian blur, colour shifts and
 * pixel noise: per attribute, all five together, and the fraction rejected as "no single object". Every row
 * covers all 1296 combinations {@code --repeats} times with fresh jitter.
 *
 * <pre>
 * mvn -q -o -pl unidiff-shapes exec:java -Dexec.mainClass=org.unidiff.shapes.cli.AnalyzerTolerance
 * </pre>
 */
@Command(name = "analyzer-tolerance", mixinStandardHelpOptions = true,
        description = "Measures the analyzer's accuracy under blur, colour shift and noise; prints a table.")
public final class AnalyzerTolerance implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of jitter and noise (default ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--repeats", defaultValue = "1", description = "Passes over the 1296 scenes per row (default ${DEFAULT-VALUE}).")
    private int repeats;

    /** Runs the command line; exits with the command's status. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new AnalyzerTolerance()).execute(args));
    }

    private record Row(String name, BiFunction<double[], SplittableRandom, double[]> degrade) {
    }

    /** Measures every row and prints the table. */
    @Override
    public Integer call() {
        List<Row> rows = new ArrayList<>();
        for (double sigma : new double[] {0, 0.5, 1, 1.5, 2, 2.5, 3}) {
            rows.add(new Row(String.format("blur sigma %.1f px", sigma), (img, r) -> Degradations.gaussianBlur(img, sigma)));
        }
        for (int d : new int[] {-40, -30, -20, 20, 30, 40}) {
            rows.add(new Row(String.format("shift %+d all channels", d), (img, r) -> Degradations.shift(img, d, d, d)));
        }
        for (int d : new int[] {10, 20, 30}) {
            rows.add(new Row(String.format("shift (%+d, %+d, 0)", d, -d), (img, r) -> Degradations.shift(img, d, -d, 0)));
        }
        for (double sigma : new double[] {5, 10, 15, 20, 25}) {
            rows.add(new Row(String.format("noise sigma %.0f", sigma), (img, r) -> Degradations.noise(img, sigma, r)));
        }
        rows.add(new Row("blur 1 + shift 15 + noise 8", (img, r) -> Degradations.noise(
                Degradations.shift(Degradations.gaussianBlur(img, 1), 15, 15, 15), 8, r)));
        rows.add(new Row("blur 1.5 + shift -20 + noise 10", (img, r) -> Degradations.noise(
                Degradations.shift(Degradations.gaussianBlur(img, 1.5), -20, -20, -20), 10, r)));

        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-32s %6s %7s %7s %7s %7s %7s %7s %7s%n", "degradation", "n", "bg", "color", "shape", "size",
                "pos", "all", "reject");
        for (Row row : rows) {
            SplittableRandom random = new SplittableRandom(seed);
            int n = 0;
            int[] correct = new int[6];
            int rejected = 0;
            for (int rep = 0; rep < repeats; rep++) {
                for (Scene c : Scene.allCentered()) {
                    Scene scene = Scene.jittered(c.background(), c.color(), c.shape(), c.size(), c.position(), random);
                    double[] image = row.degrade().apply(Degradations.toDoubles(Renderer.renderBytes(scene)), random);
                    Analysis analysis = Analyzer.analyze(Degradations.toBytes(image));
                    n++;
                    if (analysis.attributes().isEmpty()) {
                        rejected++;
                        continue;
                    }
                    SceneAttributes got = analysis.attributes().get();
                    SceneAttributes want = SceneAttributes.of(scene);
                    correct[0] += got.background() == want.background() ? 1 : 0;
                    correct[1] += got.color() == want.color() ? 1 : 0;
                    correct[2] += got.shape() == want.shape() ? 1 : 0;
                    correct[3] += got.size() == want.size() ? 1 : 0;
                    correct[4] += got.position() == want.position() ? 1 : 0;
                    correct[5] += got.equals(want) ? 1 : 0;
                }
            }
            out.printf("%-32s %6d", row.name(), n);
            for (int k : correct) {
                out.printf(" %7.4f", k / (double) n);
            }
            out.printf(" %7.4f%n", rejected / (double) n);
            out.flush();
        }
        return 0;
    }
}
