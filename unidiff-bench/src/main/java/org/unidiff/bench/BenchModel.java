package org.unidiff.bench;

import java.nio.file.Path;
import org.unidiff.api.core.UnidiffOptions;
import picocli.CommandLine.Option;

/**
 * Which bundle a benchmark opens, how, and with which solver: the options both benchmark commands share, as a
 * picocli mixin.
 */
final class BenchModel {

    @Option(names = "--bundle", paramLabel = "DIR", description = "Model bundle (default: the bundled default model).")
    Path bundle;

    @Option(names = "--steps", paramLabel = "N", description = "Solver steps (default: the bundle's).")
    Integer steps;

    @Option(names = "--sampler", paramLabel = "NAME", description = "Solver (default: the bundle's).")
    String sampler;

    /**
     * --cuda, --device, --cpu-fallback, --threads, --variant, as every front end takes them; here
     * --cuda moves the Java side only (the Python reference stays on CPU), and --threads also sets
     * torch's threads for the reference.
     */
    @picocli.CommandLine.Mixin
    org.unidiff.options.ExecutionFlags execution = new org.unidiff.options.ExecutionFlags();

    /** The thread count asked for, or null. */
    Integer threads() {
        return execution.threads();
    }

    /** Whether the Java side runs on CUDA. */
    boolean cuda() {
        return execution.cuda();
    }

    /**
     * The library options for these settings.
     *
     * @throws org.unidiff.api.core.InvalidRequestException naming the flag: a directory without a manifest, a thread
     *                                                  count below 1, a blank variant, contradicting device flags
     */
    UnidiffOptions options() {
        org.unidiff.options.ModelFlags.checkBundle(bundle);
        return new UnidiffOptions(bundle, execution.execution(), execution.variant());
    }
}
