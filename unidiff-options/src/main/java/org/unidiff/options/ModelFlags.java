package org.unidiff.options;

import java.nio.file.Files;
import java.nio.file.Path;
import org.unidiff.api.core.DefaultBundle;
import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.core.UnidiffOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * One model to open: {@code --bundle DIR} and the {@link ExecutionFlags}. A picocli mixin of the
 * CLI's commands and the benchmarks (the server takes several bundles, each named, and mixes in
 * {@link ExecutionFlags} alone).
 */
public final class ModelFlags {

    @Option(names = "--bundle", paramLabel = "DIR",
            description = "Model bundle directory (holds unidiff.json). Default: -D" + DefaultBundle.PROPERTY
                    + ", $" + DefaultBundle.ENV + ", " + DefaultBundle.REPO_PATH
                    + " in the working directory or a parent, or the unidiff-default-model jar.")
    Path bundle;

    @Mixin
    ExecutionFlags execution = new ExecutionFlags();

    /** The bundle directory given, or null for the default. */
    public Path bundle() {
        return bundle;
    }

    /**
     * The library options these flags ask for.
     *
     * @throws InvalidRequestException naming the flag, for contradicting flags or a directory without a manifest
     */
    public UnidiffOptions options() {
        checkBundle(bundle);
        return new UnidiffOptions(bundle, execution.execution(), execution.variant());
    }

    /**
     * Checks that a bundle directory holds a manifest (null, the default, passes).
     *
     * @throws InvalidRequestException naming {@code --bundle}
     */
    public static Path checkBundle(Path bundle) {
        if (bundle != null && !Files.isRegularFile(bundle.resolve("unidiff.json"))) {
            throw InvalidRequestException.described("--bundle", "a model bundle (a directory holding unidiff.json)",
                    bundle + (Files.isDirectory(bundle) ? ", which holds no unidiff.json" : ", which does not exist"));
        }
        return bundle;
    }
}
