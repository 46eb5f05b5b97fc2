package samples;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.unidiff.api.ImageToTextRequest;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.TextResult;
import org.unidiff.api.Unidiff;
import org.unidiff.api.core.UnidiffOptions;
import org.unidiff.api.files.Images;

/** Captions an image file: prints the caption. */
public final class CaptionImage {
    public static void main(String[] args) {
        BufferedImage image = Images.read(Path.of(args[0]));   // size limits; errors name the file
        try (Unidiff unidiff = Unidiff.open(UnidiffOptions.defaults())) {
            TextResult caption = unidiff.imageToText(
                    new ImageToTextRequest(image, SamplingOptions.defaults().withSeed(7)));
            System.out.println(caption.text());
        }
    }
}
