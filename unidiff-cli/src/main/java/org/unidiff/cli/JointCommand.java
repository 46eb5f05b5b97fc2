package org.unidiff.cli;

import org.unidiff.api.core.Task;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.unidiff.api.JointRequest;
import org.unidiff.api.JointResult;
import org.unidiff.api.core.MarginalRoute;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code unidiff joint}: image and caption pairs generated together. */
@Command(name = Task.JOINT_ID, mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Joint generation: an image and its caption sampled together.",
            "Prints FILE<TAB>CAPTION per output; the caption is also in the PNG's text chunks."})
final class JointCommand extends ModelCommand {

    @Option(names = "--via-text", description = "Draw the caption first (text only), then the image from its "
            + "latent with guidance, instead of both in one solve (the reference route).")
    boolean viaText;

    @Mixin
    SamplingArgs sampling;

    @Mixin
    OutputFolder output;

    @Override
    OutputFolder outputFolder() {
        return output;
    }

    /** The joint request. */
    JointRequest request() {
        return new JointRequest(sampling.toOptions(), viaText ? MarginalRoute.VIA_TEXT : MarginalRoute.DIRECT);
    }

    @Override
    Job prepare() {
        JointRequest request = request();
        return unidiff -> {
            JointResult result = withProgress(Task.JOINT_ID, control -> unidiff.joint(request, control));
            List<ContactSheet.Cell> cells = new ArrayList<>();
            for (int i = 0; i < result.images().size(); i++) {
                String caption = CaptionCommand.oneLine(result.texts().get(i));
                Path file = output.save(result.images().get(i), "joint-s" + result.parameters().seed() + "-"
                        + OutputFolder.tag(result.parameters().asText()) + "-" + i + ".png", OutputFolder.with(result.parameters().asText(),
                        "output", Integer.toString(i), "caption", caption));
                out().println(file + "\t" + caption);
                cells.add(new ContactSheet.Cell(result.images().get(i), caption));
            }
            Path sheet = output.saveSheet(cells, cells.size(), result.parameters().asText());
            if (sheet != null) {
                out().println(sheet);
            }
        };
    }
}
