package org.unidiff.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.unidiff.api.ImageToTextRequest;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.TextResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code unidiff caption}: image files to captions on standard output. */
@Command(name = "caption", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Image to text: prints one line FILE<TAB>CAPTION per image and output."})
final class CaptionCommand extends ModelCommand {

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Images to describe (PNG, JPEG, ...; "
            + "any size: center-cropped and resized as the model expects).")
    List<Path> images;

    @Mixin
    SamplingArgs sampling;

    /** One request per image file, read now so that a bad file fails before the model loads. */
    List<ImageToTextRequest> requests() {
        SamplingOptions options = sampling.toOptions();
        List<ImageToTextRequest> out = new ArrayList<>(images.size());
        for (Path file : images) {
            out.add(new ImageToTextRequest(readImage("IMAGE", file), options));
        }
        return out;
    }

    @Override
    Job prepare() {
        List<ImageToTextRequest> requests = requests();
        return unidiff -> {
            for (int k = 0; k < requests.size(); k++) {
                ImageToTextRequest request = requests.get(k);
                TextResult result = withProgress("caption " + images.get(k).getFileName(),
                        control -> unidiff.imageToText(request, control));
                for (String text : result.texts()) {
                    out().println(images.get(k) + "\t" + oneLine(text));
                }
                out().flush();
            }
        };
    }

    /** A caption on one line, so that the output stays one record per line. */
    static String oneLine(String text) {
        return text.replaceAll("[\\t\\r\\n]+", " ").strip();
    }
}
