package org.unidiff.shapes.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.unidiff.shapes.incontext.InContextDatasetWriter;
import org.unidiff.shapes.incontext.InContextTask;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Command line for {@link InContextDatasetWriter}: the in-context training pool, an evaluation pool with the
 * held-out tasks, or example folders in LaVin-DiT's file naming.
 *
 * <pre>
 * mvn -q -o -pl unidiff-shapes exec:java -Dexec.mainClass=org.unidiff.shapes.cli.WriteInContextDataset \
 *     -Dexec.args="--out models/work/incontext-data --seed 11 --scenes 3000"
 * mvn -q -o -pl unidiff-shapes exec:java -Dexec.mainClass=org.unidiff.shapes.cli.WriteInContextDataset \
 *     -Dexec.args="--examples models/incontext/examples --seed 5 --pairs 4 --tasks recolor:red,move:top_right,mask"
 * </pre>
 */
@Command(name = "write-in-context-dataset", mixinStandardHelpOptions = true,
        description = "Writes the in-context scene pool (images.npy, items.jsonl, meta.json) or example folders.")
public final class WriteInContextDataset implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--out", description = "Pool directory (created if missing).")
    private Path out;

    @Option(names = "--seed", defaultValue = "11", description = "Seed of all sampling (default ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--scenes", defaultValue = "1000", description = "Base scenes in the pool (default ${DEFAULT-VALUE}).")
    private int scenes;

    @Option(names = "--include-held-out", description = "Also write the held-out tasks' targets (evaluation pools only).")
    private boolean includeHeldOut;

    @Option(names = "--examples", description = "Write example folders here instead of a pool.")
    private Path examples;

    @Option(names = "--tasks", split = ",", description = "With --examples: task ids, e.g. recolor:red,mask.")
    private List<String> tasks;

    @Option(names = "--pairs", defaultValue = "4", description = "With --examples: pairs per task (default ${DEFAULT-VALUE}).")
    private int pairs;

    /** Runs the command line; exits with the command's status. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new WriteInContextDataset()).execute(args));
    }

    /** Writes the pool or the example folders and prints a one-line summary. */
    @Override
    public Integer call() throws Exception {
        if (examples != null) {
            if (tasks == null || tasks.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--examples needs --tasks");
            }
            List<InContextTask> parsed = tasks.stream().map(InContextTask::fromId).toList();
            InContextDatasetWriter.writeExamples(examples, seed, parsed, pairs);
            spec.commandLine().getOut().printf("examples: %d tasks x %d pairs -> %s%n", parsed.size(), pairs, examples);
            return 0;
        }
        if (out == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --out or --examples");
        }
        long t0 = System.nanoTime();
        long images = InContextDatasetWriter.write(out, seed, scenes, includeHeldOut);
        spec.commandLine().getOut().printf("in-context pool: %d scenes, %d images in %.1f s -> %s%n", scenes, images,
                (System.nanoTime() - t0) / 1e9, out);
        return 0;
    }
}
