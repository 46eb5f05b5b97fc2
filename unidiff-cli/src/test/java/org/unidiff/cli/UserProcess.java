package org.unidiff.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A program run as a library user would run it, for the tests that build and start projects
 * outside the checkout: no bundle setting or JVM options inherited from the test's environment,
 * standard output and error kept apart (in files, so a chatty child cannot block on a full pipe).
 */
final class UserProcess {

    /** How a run ended. */
    record Result(int exit, String out, String err) {
    }

    private UserProcess() {
    }

    /**
     * Runs {@code command} in {@code cwd} with {@code env} added, its output in files under
     * {@code logs}; fails the test if it does not end within {@code seconds}.
     */
    static Result run(Path cwd, Path logs, Map<String, String> env, int seconds, String... command)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(logs, "out", ".log");
        Path err = Files.createTempFile(logs, "err", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove("UNIDIFF_BUNDLE");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in " + seconds + " s:\n"
                    + Files.readString(out) + Files.readString(err));
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
