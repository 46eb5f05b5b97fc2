package org.unidiff.cli;

import org.unidiff.api.TextOnlyRequest;
import org.unidiff.api.TextResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code unidiff sample-texts}: unconditional captions. */
@Command(name = "sample-texts", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Unconditional texts (image marginalized; --guidance does not apply): one per line."})
final class SampleTextsCommand extends ModelCommand {

    @Mixin
    SamplingArgs sampling;

    /** The text-only request. */
    TextOnlyRequest request() {
        sampling.refuseGuidance("sample-texts draws unconditional texts, without guidance");
        return new TextOnlyRequest(sampling.toOptions());
    }

    @Override
    Job prepare() {
        TextOnlyRequest request = request();
        return unidiff -> {
            TextResult result = withProgress("sample-texts", control -> unidiff.textOnly(request, control));
            result.texts().forEach(t -> out().println(CaptionCommand.oneLine(t)));
        };
    }
}
