package org.unidiff.cli;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.unidiff.api.ImageResult;
import org.unidiff.api.ImageVariationRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code unidiff vary}: one image to variations of it. */
@Command(name = "vary", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Image variation: captions the image into a text latent and draws new images from it.",
            "Prints the path of every PNG written; with several outputs the contact sheet starts with the source."})
final class VaryCommand extends ModelCommand {

    @Parameters(index = "0", paramLabel = "IMAGE", description = "The source image.")
    Path image;

    @Mixin
    SamplingArgs sampling;

    @Mixin
    OutputFolder output;

    @Override
    OutputFolder outputFolder() {
        return output;
    }

    private BufferedImage source;

    /** The variation request, reading the source image now. */
    ImageVariationRequest request() {
        source = readImage("IMAGE", image);
        return new ImageVariationRequest(source, sampling.toOptions());
    }

    @Override
    Job prepare() {
        ImageVariationRequest request = request();
        return unidiff -> {
            ImageResult result = withProgress("vary", control -> unidiff.imageVariation(request, control));
            Map<String, String> text = OutputFolder.with(result.parameters().asText(),
                    "source", image.getFileName().toString());
            // The source's full path, not only its name, tells runs apart.
            String tag = OutputFolder.tag(OutputFolder.with(text, "source_path",
                    image.toAbsolutePath().normalize().toString()));
            String stem = OutputFolder.slug(stripExtension(image.getFileName().toString()))
                    + "-variation-s" + result.parameters().seed() + "-" + tag;
            List<ContactSheet.Cell> cells = new ArrayList<>();
            BufferedImage first = result.image();
            cells.add(new ContactSheet.Cell(ContactSheet.thumbnail(source, first.getWidth(), first.getHeight()),
                    "source"));
            for (int i = 0; i < result.images().size(); i++) {
                Path file = output.save(result.images().get(i), stem + "-" + i + ".png",
                        OutputFolder.with(text, "output", Integer.toString(i)));
                out().println(file);
                cells.add(new ContactSheet.Cell(result.images().get(i), "variation " + i));
            }
            if (result.images().size() > 1) {
                out().println(output.saveSheet(cells, cells.size(), text, tag));
            }
        };
    }

    private static String stripExtension(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
