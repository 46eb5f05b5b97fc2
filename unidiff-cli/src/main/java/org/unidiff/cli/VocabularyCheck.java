package org.unidiff.cli;

import java.util.List;
import org.unidiff.api.Unidiff;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --strict} and the check behind it: words of a prompt that the model's tokenizer does not
 * know are reported on standard error (the model sees them as nothing, or as one generic token,
 * so the output ignores them), or refused as bad usage with {@code --strict}.
 */
public final class VocabularyCheck {

    @Option(names = "--strict", description = "Fail (exit code 2) when a prompt has words the model does not "
            + "know, instead of warning and going on.")
    boolean strict;

    /**
     * The prompts of one command, checked with this flag.
     *
     * @param check   the command's flag
     * @param what    what the prompts are called in messages, e.g. {@code "prompt"}
     * @param prompts the texts to check
     */
    record Prompts(VocabularyCheck check, String what, List<String> prompts) {

        /**
         * Warns about (or, with {@code --strict}, refuses) unknown words.
         *
         * @throws ParameterException with {@code --strict}, naming the words
         */
        void check(Unidiff unidiff, CommandLine command) {
            for (String prompt : prompts) {
                List<String> unknown = unidiff.unknownWords(prompt);
                if (unknown.isEmpty()) {
                    continue;
                }
                String message = what + " '" + prompt + "': the model does not know " + String.join(", ", unknown)
                        + " (see what the model understands in README.md)";
                if (check.strict) {
                    throw new ParameterException(command, message);
                }
                command.getErr().println(command.getCommandSpec().qualifiedName() + ": warning: " + message
                        + "; the output ignores those words (--strict makes this an error)");
            }
        }
    }
}
