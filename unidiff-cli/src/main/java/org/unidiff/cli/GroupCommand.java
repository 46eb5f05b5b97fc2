package org.unidiff.cli;

import org.unidiff.api.core.Task;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.unidiff.api.GroupGuidance;
import org.unidiff.api.GroupRequest;
import org.unidiff.api.GroupResult;
import org.unidiff.api.GroupSlot;
import org.unidiff.api.ReferenceMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;

/** {@code unidiff group}: several captions to one consistent set of images. */
@Command(name = Task.GROUP_ID, mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Grouped generation: one image per caption, generated together so that they stay consistent.",
            "Reference images take the first slots, in order. Prints the path of every generated PNG; the contact",
            "sheet has one row per output and one column per slot, references included."})
final class GroupCommand extends ModelCommand {

    @Parameters(arity = "1..*", paramLabel = "CAPTION",
            description = "One caption per slot, in order; \"\" leaves a slot uncaptioned.")
    List<String> captions;

    @Option(names = {"-r", "--reference"}, paramLabel = "FILE",
            description = "Reference image for the next slot (repeat for more; they fill slots 0, 1, ...).")
    List<Path> references = new ArrayList<>();

    @Option(names = "--renoise", description = "Re-noise the references to the current time at every step "
            + "(SDEdit style) instead of feeding them clean.")
    boolean renoise;

    @Option(names = "--guide-captions-only", description = "Guidance amplifies the captions only; by default the "
            + "unconditional pass drops the references too, so guidance also pulls towards them.")
    boolean captionsOnly;

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
        return new VocabularyCheck.Prompts(vocabulary, "caption", captions.stream().filter(c -> !c.isBlank()).toList());
    }

    /** The group request, reading the reference images now. */
    GroupRequest request() {
        if (references.size() > captions.size()) {
            throw new ParameterException(spec.commandLine(), references.size() + " --reference images for "
                    + captions.size() + " captions: each reference fills the slot of one caption, in order, "
                    + "so give at least as many captions (\"\" for none)");
        }
        List<GroupSlot> slots = new ArrayList<>(captions.size());
        for (int i = 0; i < captions.size(); i++) {
            slots.add(i < references.size()
                    ? GroupSlot.reference(readImage("--reference", references.get(i)), captions.get(i))
                    : GroupSlot.generate(captions.get(i)));
        }
        return new GroupRequest(slots, renoise ? ReferenceMode.RENOISE : ReferenceMode.CLEAN,
                captionsOnly ? GroupGuidance.CAPTIONS : GroupGuidance.CAPTIONS_AND_REFERENCES, sampling.toOptions());
    }

    @Override
    Job prepare() {
        GroupRequest request = request();
        return unidiff -> {
            GroupResult result = withProgress(Task.GROUP_ID, control -> unidiff.group(request, control));
            Map<String, String> text = OutputFolder.with(result.parameters().asText(),
                    "reference_mode", request.referenceMode().name().toLowerCase(Locale.ROOT),
                    "references", Integer.toString(references.size()),
                    "group_guidance", request.guidance().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            for (int i = 0; i < references.size(); i++) {
                text.put("reference." + i, references.get(i).getFileName().toString());
            }
            // Where the references came from, not only their names, tells runs apart.
            String tag = OutputFolder.tag(OutputFolder.with(text, "reference_paths",
                    references.stream().map(p -> p.toAbsolutePath().normalize().toString()).toList().toString()));
            List<ContactSheet.Cell> cells = new ArrayList<>();
            int g = request.slots().size();
            for (int n = 0; n < result.groups().size(); n++) {
                List<BufferedImage> group = result.groups().get(n);
                for (int j = 0; j < g; j++) {
                    GroupSlot slot = request.slots().get(j);
                    if (slot.generated()) {
                        Path file = output.save(group.get(j), "group-s" + result.parameters().seed() + "-" + tag
                                + "-" + n + "-slot" + j + ".png", OutputFolder.with(text, "output",
                                Integer.toString(n), "slot", Integer.toString(j)));
                        out().println(file);
                    }
                    cells.add(new ContactSheet.Cell(group.get(j), (slot.generated() ? "" : "[reference] ")
                            + slot.caption()));
                }
            }
            Path sheet = output.saveSheet(cells, g, text, tag);
            if (sheet != null) {
                out().println(sheet);
            }
        };
    }
}
