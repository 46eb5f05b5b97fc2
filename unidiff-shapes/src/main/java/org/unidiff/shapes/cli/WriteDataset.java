package org.unidiff.shapes.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.unidiff.shapes.DatasetWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Command line for {@link DatasetWriter}: writes the shapes-world training dataset, or with {@code --eval} the
 * fixed full-caption evaluation set.
 *
 * <p>From the repository root, after {@code mvn -q -o -pl unidiff-shapes -am install -DskipTests}:
 * <pre>
 * mvn -q -o -pl unidiff-shapes exec:java -Dexec.args="--out models/work/data --seed 1 --singles 40000 --groups 6000 --variants 4"
 * mvn -q -o -pl unidiff-shapes exec:java -Dexec.args="--out models/work/eval --seed 7 --eval --repeats 1"
 * </pre>
 */
@Command(name = "write-dataset", mixinStandardHelpOptions = true,
        description = "Writes the shapes-world training dataset (images.npy, items.jsonl, meta.json) "
                + "or, with --eval, the full-caption evaluation set (eval.jsonl, eval_images.npy, meta.json).")
public final class WriteDataset implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--out", required = true, description = "Output directory (created if missing).")
    private Path out;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of all sampling (default ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--singles", defaultValue = "1000", description = "Single-image items (default ${DEFAULT-VALUE}).")
    private int singles;

    @Option(names = "--groups", defaultValue = "200", description = "Group items of 2-4 images (default ${DEFAULT-VALUE}).")
    private int groups;

    @Option(names = "--variants", defaultValue = "4", description = "Caption variants per item (default ${DEFAULT-VALUE}).")
    private int variants;

    @Option(names = "--eval", description = "Write the evaluation set instead of training data.")
    private boolean eval;

    @Option(names = "--repeats", defaultValue = "1",
            description = "With --eval: passes over all 1296 scenes, each with fresh seeds (default ${DEFAULT-VALUE}).")
    private int repeats;

    /** Runs the command line; exits with the command's status. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new WriteDataset()).execute(args));
    }

    /** Writes the dataset and prints a one-line summary with the throughput. */
    @Override
    public Integer call() throws Exception {
        DatasetWriter.Summary summary = eval
                ? DatasetWriter.writeEvaluation(out, seed, repeats)
                : DatasetWriter.writeTraining(out, new DatasetWriter.Config(seed, singles, groups, variants));
        spec.commandLine().getOut().printf("%s: %d items, %d images in %.2f s (%.0f images/s) -> %s%n",
                eval ? "evaluation" : "training", summary.items(), summary.images(), summary.seconds(),
                summary.imagesPerSecond(), out.toAbsolutePath());
        return 0;
    }
}
