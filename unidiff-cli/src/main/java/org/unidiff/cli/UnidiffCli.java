package org.unidiff.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.unidiff.api.core.GenerationCancelledException;
import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.files.OutputExistsException;
import org.unidiff.runtime.ort.ExecutionProviderException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code unidiff} command line: generate, caption, vary, group and the other tasks of a
 * UniDiffuser-style model.
 *
 * <p>Exit codes: {@value #OK} success; {@value #BAD_REQUEST} bad usage or a request the library
 * refuses (the message says which argument and what was expected, without a stack trace);
 * {@value #FAILED} any other failure (also an output file that exists without {@code --overwrite});
 * {@value #CANCELLED} cancelled by Ctrl-C, 143 by SIGTERM, 129 by SIGHUP (the shell's 128 + signal).
 */
@Command(name = "unidiff", mixinStandardHelpOptions = true, versionProvider = UnidiffCli.Version.class,
        description = "Unified multimodal diffusion on ONNX Runtime: one model for text to image, captioning, "
                + "variations, joint and grouped generation.",
        footer = {"", "./unidiff serve starts the HTTP service and web page (module unidiff-server; "
                + "./unidiff serve --help lists its options).",
            "Whole collections on Apache Spark (module unidiff-spark): ./unidiff spark caption|generate|vary "
                + "(./unidiff spark --help)."},
        subcommands = {GenerateCommand.class, CaptionCommand.class, VaryCommand.class, GroupCommand.class,
            JointCommand.class, SampleImagesCommand.class, SampleTextsCommand.class, VaryTextCommand.class,
            InContextCommand.class,
            InterpolateCommand.class, RunCommand.class,
            CommandLine.HelpCommand.class})
public final class UnidiffCli implements Runnable {

    /** Success. */
    public static final int OK = 0;
    /** A failure that is not the user's input: model, runtime, file system. */
    public static final int FAILED = 1;
    /** Bad usage or an invalid request. */
    public static final int BAD_REQUEST = 2;
    /** The run was cancelled. */
    public static final int CANCELLED = 130;

    private static final String VERBOSE = "--verbose";

    @Spec
    CommandSpec spec;

    /** Without a subcommand there is nothing to do: that is a usage error. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: one of "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        // slf4j-simple reads its level once, when the first logger is made, so --verbose must take
        // effect before any command class (and its logger) is touched.
        if (Arrays.asList(args).contains(VERBOSE)) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
        }
        int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        System.exit(code);
    }

    /**
     * Runs the command line with the given streams and returns the exit code, without exiting.
     *
     * @param args command-line arguments
     * @param out  standard output (results)
     * @param err  standard error (messages, usage)
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        boolean verbose = Arrays.asList(args).contains(VERBOSE);
        CommandLine cli = commandLine();
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler(UnidiffCli::badUsage);
        cli.setExecutionExceptionHandler((e, command, parsed) -> handle(e, command, parsed, verbose));
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The configured command tree (for parsing without running, e.g. in tests). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new UnidiffCli());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }

    /** One line saying what was wrong and where help is, instead of picocli's full usage text. */
    private static int badUsage(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        String name = command.getCommandSpec().qualifiedName();
        err.println(command.getColorScheme().errorText(name + ": " + e.getMessage()));
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + name + " --help' for more information.");
        return BAD_REQUEST;
    }

    private static int handle(Exception e, CommandLine command, ParseResult parsed, boolean verbose) {
        PrintWriter err = command.getErr();
        String prefix = command.getCommandSpec().qualifiedName() + ": ";
        InvalidRequestException invalid = find(e, InvalidRequestException.class);
        if (invalid != null) {
            err.println(command.getColorScheme().errorText(prefix + withFlagNames(invalid)));
            return BAD_REQUEST;
        }
        if (find(e, GenerationCancelledException.class) != null) {
            err.println(prefix + "cancelled: " + e.getMessage());
            return SignalCancels.status(CANCELLED);
        }
        ExecutionProviderException provider = find(e, ExecutionProviderException.class);
        if (provider != null) {
            // The library's own message already carries ONNX Runtime's words once; its causes repeat them.
            err.println(command.getColorScheme().errorText(prefix + "error: " + provider.getMessage()
                    .replace("; allow CPU fallback to run on the CPU instead", "")
                    + ". Add --cpu-fallback to run on the CPU instead; --cuda also needs the CUDA build of "
                    + "ONNX Runtime (build with mvn -Pcuda, see README)"));
            return FAILED;
        }
        OutputExistsException exists = find(e, OutputExistsException.class);
        if (exists != null) {
            err.println(command.getColorScheme().errorText(prefix + "error: " + exists.getFile()
                    + " exists already (from a run with the same parameters?); pass --overwrite to replace it, "
                    + "or write to another --out folder"));
            return FAILED;
        }
        err.println(command.getColorScheme().errorText(prefix + "error: " + describe(e)));
        if (verbose) {
            e.printStackTrace(err);
        } else {
            err.println("(run with " + VERBOSE + " for details)");
        }
        LoggerFactory.getLogger(UnidiffCli.class).debug("{} failed", command.getCommandName(), e);
        return FAILED;
    }

    /** The library names request fields; on the command line the user typed flags. */
    private static final Map<String, String> FLAGS = Map.of("guidanceScale", "--guidance", "steps", "--steps",
            "outputs", "--outputs", "dataType", "--data-type", "sampler", "--sampler", "seed", "--seed");

    static String withFlagNames(InvalidRequestException e) {
        String flag = FLAGS.get(e.field());
        String message = e.getMessage();
        String lead = "invalid request: " + e.field() + " ";
        return flag != null && message.startsWith(lead)
                ? "invalid request: " + flag + " " + message.substring(lead.length()) : message;
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** The message of {@code e} and of each cause, so a wrapped root cause is not hidden. */
    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        String previous = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (previous == null || !previous.contains(message)) {
                sb.append(sb.length() == 0 ? "" : " (caused by: ").append(message);
                if (t != e) {
                    sb.append(')');
                }
            }
            previous = message;
        }
        return sb.toString();
    }

    /** The version from the jar manifest (absent when run from classes). */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = UnidiffCli.class.getPackage().getImplementationVersion();
            return new String[] {"unidiff " + (v == null ? "(development build)" : v)};
        }
    }
}
