package samples;

import java.nio.file.Path;
import java.util.List;
import org.unidiff.api.ExamplePair;
import org.unidiff.api.ImageResult;
import org.unidiff.api.InContextRequest;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.Unidiff;
import org.unidiff.api.core.UnidiffOptions;
import org.unidiff.api.files.ExampleFolder;
import org.unidiff.api.files.Images;
import org.unidiff.api.files.PngFiles;

/**
 * A vision task shown by example pairs: the in-context model applies what the pairs of a folder
 * (NAME_input.png / NAME_target.png) do to a query image.
 * Arguments: the in-context bundle folder, the examples folder, the query image, the output PNG.
 */
public final class InContextFromFolder {
    public static void main(String[] args) throws Exception {
        Path bundle = Path.of(args[0]);
        List<ExamplePair> examples = ExampleFolder.read(Path.of(args[1]));
        try (Unidiff unidiff = Unidiff.open(UnidiffOptions.defaults().withBundle(bundle))) {
            ImageResult answer = unidiff.inContext(new InContextRequest(examples, Images.read(Path.of(args[2])),
                    SamplingOptions.defaults().withSeed(5)));
            PngFiles.write(answer.image(), answer.parameters(), Path.of(args[3]));
            System.out.println(args[3]);
        }
    }
}
