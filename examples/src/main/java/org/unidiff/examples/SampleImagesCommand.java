package org.unidiff.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.unidiff.api.ImageOnlyRequest;
import org.unidiff.api.ImageResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code unidiff sample-images}: unconditional images. */
@Command(name = "sample-images", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Unconditional images (text marginalized; --guidance does not apply).",
            "Prints the path of every PNG written."})
final class SampleImagesCommand extends ModelCommand {

    @Mixin
    SamplingArgs sampling;

    @Mixin
    OutputFolder output;

    /** The image-only request. */
    ImageOnlyRequest request() {
        return new ImageOnlyRequest(sampling.toOptions());
    }

    @Override
    Job prepare() {
        ImageOnlyRequest request = request();
        return unidiff -> {
            ImageResult result = withProgress("sample-images", control -> unidiff.imageOnly(request, control));
            List<ContactSheet.Cell> cells = new ArrayList<>();
            for (int i = 0; i < result.images().size(); i++) {
                Path file = output.save(result.images().get(i), "image-s" + result.parameters().seed() + "-" + i
                        + ".png", OutputFolder.with(result.parameters().asText(), "output", Integer.toString(i)));
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
