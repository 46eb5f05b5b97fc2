package org.unidiff.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.unidiff.api.core.CancellationToken;
import org.unidiff.api.core.DefaultBundle;
import org.unidiff.api.core.RunControl;
import org.unidiff.api.InvalidImageException;
import org.unidiff.api.Unidiff;
import org.unidiff.api.files.Images;
import org.unidiff.api.core.UnidiffOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A subcommand that runs the model: it first checks every argument and builds its requests (so bad
 * usage fails fast, before a model is loaded), then opens the bundle and runs them.
 */
abstract class ModelCommand implements Callable<Integer> {

    /** Cancelled by Ctrl-C, SIGTERM or SIGHUP ({@link SignalCancels}), so the run stops within one model evaluation. */
    private final CancellationToken interrupt = new CancellationToken();

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Option(names = "--verbose", description = "Log at debug level and print stack traces of failures.")
    boolean verbose;

    /** Work that needs the opened model; everything else was checked before it was built. */
    @FunctionalInterface
    interface Job {
        /** Runs the prepared requests. */
        void run(Unidiff unidiff) throws IOException;
    }

    /**
     * Checks the arguments and builds the requests; null when the command needs no model (it has
     * already printed what it was asked for).
     *
     * @throws ParameterException                     for bad usage
     * @throws org.unidiff.api.core.InvalidRequestException for a request the library refuses
     */
    abstract Job prepare();

    /** The folder the command writes files to, checked before the model loads; null if it only prints. */
    OutputFolder outputFolder() {
        return null;
    }

    /**
     * The bundle to open when neither {@code --bundle} nor the default-bundle property or variable names one;
     * null for the default model. Commands of another model family name their own committed bundle here.
     */
    Path preferredBundle() {
        return null;
    }

    /** The prompts and captions to check against the model's vocabulary, with the flag that checks them; null if none. */
    VocabularyCheck.Prompts prompts() {
        return null;
    }

    @Override
    public final Integer call() throws IOException {
        Job job = prepare();
        if (job == null) {
            return UnidiffCli.OK;   // the command did its work without a model (a listing)
        }
        OutputFolder folder = outputFolder();
        if (folder != null) {
            folder.check();
        }
        UnidiffOptions options = model.unidiffOptions();
        Path preferred = options.bundle() == null && !DefaultBundle.configured() ? preferredBundle() : null;
        if (preferred != null) {
            options = options.withBundle(preferred);
        } else if (options.bundle() == null) {
            try {
                DefaultBundle.locate();
            } catch (IllegalStateException e) {
                // The library's message lists where it looked; on the command line the flag is the easy way out.
                throw new IllegalStateException(e.getMessage() + " Or pass --bundle DIR.", e);
            }
        }
        SignalCancels.install(interrupt);
        // Closed before returning, also when cancelled: the model's native memory is released
        // before the JVM exits, never under a running evaluation.
        try (Unidiff unidiff = Unidiff.open(options)) {
            VocabularyCheck.Prompts prompts = prompts();
            if (prompts != null) {
                prompts.check(unidiff, spec.commandLine());
            }
            job.run(unidiff);
        }
        // A signal that came after the last evaluation still ends the process with its status.
        return SignalCancels.status(UnidiffCli.OK);
    }

    /** Runs one library call with a progress bar on standard error (none with --quiet); Ctrl-C cancels it. */
    final <T> T withProgress(String task, Function<RunControl, T> call) {
        if (quiet) {
            return call.apply(RunControl.cancellable(interrupt));
        }
        try (ConsoleProgress progress = new ConsoleProgress(task, System.err)) {
            T result = call.apply(new RunControl(progress, interrupt));
            progress.finish();
            return result;
        }
    }

    /** Standard output of this command line. */
    final PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /**
     * Reads an input image by the library's one rule for image files ({@link Images#read(Path)}:
     * a huge image is refused from its header, a large one read subsampled).
     *
     * @throws ParameterException naming the option and file if it is missing, not an image or too large
     */
    final BufferedImage readImage(String what, Path file) {
        try {
            return Images.read(file);
        } catch (InvalidImageException e) {
            throw new ParameterException(spec.commandLine(), what + " " + e.getMessage(), e);
        }
    }
}
