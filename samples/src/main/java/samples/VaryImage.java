package samples;

import java.nio.file.Path;
import org.unidiff.api.ImageResult;
import org.unidiff.api.ImageVariationRequest;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.Unidiff;
import org.unidiff.api.core.UnidiffOptions;
import org.unidiff.api.files.Images;
import org.unidiff.api.files.PngFiles;

/** Four variations of an image file, saved with their parameters. */
public final class VaryImage {
    public static void main(String[] args) throws Exception {
        Path source = Path.of(args[0]);
        Path out = Path.of(args.length > 1 ? args[1] : "out");
        try (Unidiff unidiff = Unidiff.open(UnidiffOptions.defaults())) {
            ImageResult result = unidiff.imageVariation(new ImageVariationRequest(Images.read(source),
                    SamplingOptions.defaults().withSeed(11).withOutputs(4)));
            for (int i = 0; i < result.images().size(); i++) {
                Path file = out.resolve("variation-" + i + ".png");
                PngFiles.write(result.images().get(i), result.parameters(), file);
                System.out.println(file);
            }
        }
    }
}
