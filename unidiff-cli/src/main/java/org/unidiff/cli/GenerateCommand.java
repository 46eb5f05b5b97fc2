package org.unidiff.cli;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.unidiff.api.ImageResult;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.TextToImageRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code unidiff generate}: prompts to PNG files. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Text to image: draws each prompt, --outputs images per prompt.",
            "Prints the path of every PNG written; each carries its generation parameters in text chunks."})
final class GenerateCommand extends ModelCommand {

    @Parameters(arity = "1..*", paramLabel = "PROMPT", description = "What to draw; several prompts run in turn.")
    List<String> prompts;

    @Mixin
    SamplingArgs sampling;

    @Mixin
    OutputFolder output;

    @Mixin
    VocabularyCheck vocabulary;

    @Override
    OutputFolder outputFolder() {
        return output;
    }

    @Override
    VocabularyCheck.Prompts prompts() {
        return new VocabularyCheck.Prompts(vocabulary, "prompt", prompts);
    }

    /** One request per prompt, all with the same sampling options. */
    List<TextToImageRequest> requests() {
        SamplingOptions options = sampling.toOptions();
        return prompts.stream().map(p -> new TextToImageRequest(p, options)).toList();
    }

    @Override
    Job prepare() {
        List<TextToImageRequest> requests = requests();
        return unidiff -> {
            List<ContactSheet.Cell> cells = new ArrayList<>();
            Map<String, String> sheetText = null;
            for (int k = 0; k < requests.size(); k++) {
                TextToImageRequest request = requests.get(k);
                ImageResult result = withProgress(progressTitle(k, requests.size()),
                        control -> unidiff.textToImage(request, control));
                // The slug is only a readable hint; the tag tells apart prompts that share it and runs
                // that differ in any other parameter.
                String stem = (requests.size() > 1 ? "p" + k + "-" : "") + OutputFolder.slug(request.prompt())
                        + "-s" + result.parameters().seed() + "-" + OutputFolder.tag(result.parameters().asText());
                List<BufferedImage> images = result.images();
                for (int i = 0; i < images.size(); i++) {
                    Path file = output.save(images.get(i), stem + "-" + i + ".png",
                            OutputFolder.with(result.parameters().asText(), "output", Integer.toString(i)));
                    out().println(file);
                    cells.add(new ContactSheet.Cell(images.get(i), request.prompt()));
                }
                if (sheetText == null) {
                    sheetText = new LinkedHashMap<>(result.parameters().asText());
                }
                if (requests.size() > 1) {
                    // The sheet shows every prompt; its text names them all, not just the first.
                    sheetText.remove("prompt");
                    sheetText.put("prompt." + k, request.prompt());
                }
            }
            Path sheet = output.saveSheet(cells, requests.get(0).options().outputs(), sheetText);
            if (sheet != null) {
                out().println(sheet);
            }
        };
    }

    private static String progressTitle(int k, int count) {
        return count == 1 ? "generate" : "generate " + (k + 1) + "/" + count;
    }
}
