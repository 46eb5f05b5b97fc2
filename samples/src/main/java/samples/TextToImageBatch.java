package samples;

import java.nio.file.Path;
import java.util.List;
import org.unidiff.api.ImageResult;
import org.unidiff.api.Recipes;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.TextToImageRequest;
import org.unidiff.api.Unidiff;
import org.unidiff.api.core.UnidiffOptions;
import org.unidiff.api.files.PngFiles;

/** Text-to-image for several prompts in one model call; each image saved with its parameters. */
public final class TextToImageBatch {
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "out");
        List<TextToImageRequest> requests = List.of(
                new TextToImageRequest("a large red circle in the center on a black background",
                        SamplingOptions.defaults().withSeed(1)),
                new TextToImageRequest("a small blue square at the top left on a white background",
                        SamplingOptions.defaults().withSeed(2)),
                new TextToImageRequest("a yellow triangle at the bottom right on a green background",
                        SamplingOptions.defaults().withSeed(3)));
        try (Unidiff unidiff = Unidiff.open(UnidiffOptions.defaults())) {   // the bundled default model, CPU
            List<ImageResult> results = unidiff.runAll(Recipes.TEXT_TO_IMAGE, requests);
            for (int i = 0; i < results.size(); i++) {
                Path file = out.resolve("image-" + i + ".png");
                PngFiles.write(results.get(i).image(), results.get(i).parameters(), file);   // never overwrites
                System.out.println(file);
            }
        }
    }
}
