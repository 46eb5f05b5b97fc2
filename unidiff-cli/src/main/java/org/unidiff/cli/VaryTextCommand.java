package org.unidiff.cli;

import org.unidiff.api.TextResult;
import org.unidiff.api.TextVariationRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code unidiff vary-text}: one text to rewordings of it. */
@Command(name = "vary-text", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Text variation: draws image latents for the text and captions them: one text per line."})
final class VaryTextCommand extends ModelCommand {

    @Parameters(index = "0", paramLabel = "TEXT", description = "The source text.")
    String text;

    @Mixin
    SamplingArgs sampling;

    @Mixin
    VocabularyCheck vocabulary;

    @Override
    VocabularyCheck.Prompts prompts() {
        return new VocabularyCheck.Prompts(vocabulary, "text", java.util.List.of(text));
    }

    /** The text variation request. */
    TextVariationRequest request() {
        return new TextVariationRequest(text, sampling.toOptions());
    }

    @Override
    Job prepare() {
        TextVariationRequest request = request();
        return unidiff -> {
            TextResult result = withProgress("vary-text", control -> unidiff.textVariation(request, control));
            result.texts().forEach(t -> out().println(CaptionCommand.oneLine(t)));
        };
    }
}
