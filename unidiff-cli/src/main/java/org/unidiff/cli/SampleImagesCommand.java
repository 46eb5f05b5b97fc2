package org.unidiff.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.unidiff.api.ImageOnlyRequest;
import org.unidiff.api.ImageResult;
import org.unidiff.api.core.MarginalRoute;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code unidiff sample-images}: unconditional images. */
@Command(name = "sample-images", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Unconditional images (text marginalized; --guidance applies only with --via-text).",
            "Prints the path of every PNG written."})
final class SampleImagesCommand extends ModelCommand {

    @Option(names = "--via-text", description = "Draw a caption latent first (text only), then the image from it "
            + "with guidance; often much cleaner images than the one-solve reference route.")
    boolean viaText;

    @Mixin
    SamplingArgs sampling;

    @Mixin
    OutputFolder output;

    @Override
    OutputFolder outputFolder() {
        return output;
    }

    /** The image-only request. */
    ImageOnlyRequest request() {
        if (!viaText) {
            sampling.refuseGuidance("sample-images draws without guidance unless --via-text is given");
        }
        return new ImageOnlyRequest(sampling.toOptions(), viaText ? MarginalRoute.VIA_TEXT : MarginalRoute.DIRECT);
    }

    @Override
    Job prepare() {
        ImageOnlyRequest request = request();
        return unidiff -> {
            ImageResult result = withProgress("sample-images", control -> unidiff.imageOnly(request, control));
            List<ContactSheet.Cell> cells = new ArrayList<>();
            for (int i = 0; i < result.images().size(); i++) {
                Path file = output.save(result.images().get(i), "image-s" + result.parameters().seed() + "-"
                        + OutputFolder.tag(result.parameters().asText()) + "-" + i + ".png", OutputFolder.with(result.parameters().asText(), "output", Integer.toString(i)));
                out().println(file);
                cells.add(new ContactSheet.Cell(result.images().get(i), null));
            }
            Path sheet = output.saveSheet(cells, cells.size(), result.parameters().asText());
            if (sheet != null) {
                out().println(sheet);
            }
        };
    }
}
