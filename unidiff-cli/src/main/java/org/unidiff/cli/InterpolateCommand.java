package org.unidiff.cli;
import org.unidiff.api.files.AnimatedGif;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.unidiff.api.InterpolationRequest;
import org.unidiff.api.InterpolationResult;
import org.unidiff.api.InversionRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code unidiff interpolate}: two images to the frames of a morph between them. */
@Command(name = "interpolate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Interpolation between two images: each is inverted to its noise and caption latent,",
            "the noises are blended spherically and the captions linearly, and every frame is drawn from its blend.",
            "Writes the frames as PNGs, a contact sheet and an animated GIF; prints each path.",
            "Unless --sampler or --guidance say otherwise it runs ddim without guidance, where the inversion",
            "is exact (docs/quality-interpolation.md), not the bundle's defaults."})
final class InterpolateCommand extends ModelCommand {

    @Parameters(index = "0", paramLabel = "FIRST", description = "The first image.")
    Path first;

    @Parameters(index = "1", paramLabel = "LAST", description = "The last image.")
    Path last;

    @Option(names = "--frames", paramLabel = "N", defaultValue = "8",
            description = "Frames, both inputs' regenerations included, " + InterpolationRequest.MIN_FRAMES + " to "
                    + InterpolationRequest.MAX_FRAMES + ". Default: ${DEFAULT-VALUE}.")
    int frames;

    @Option(names = "--refinements", paramLabel = "N", defaultValue = "" + InversionRequest.DEFAULT_REFINEMENTS,
            description = "Fixed-point iterations per inversion step (0 = plain DDIM inversion). Default: ${DEFAULT-VALUE}.")
    int refinements;

    @Option(names = "--delay", paramLabel = "MS", defaultValue = "250",
            description = "Time each frame shows in the GIF, milliseconds. Default: ${DEFAULT-VALUE}.")
    int delayMillis;

    @Mixin
    SamplingArgs sampling;

    @Mixin
    OutputFolder output;

    /** The interpolation request, reading both images now (a missing or unreadable file is bad usage). */
    InterpolationRequest request() {
        BufferedImage a = readImage("FIRST", first);
        BufferedImage b = readImage("LAST", last);
        return new InterpolationRequest(a, b, frames, refinements, sampling.toOptions());
    }

    @Override
    OutputFolder outputFolder() {
        return output;
    }

    @Override
    Job prepare() {
        InterpolationRequest request = request();
        if (delayMillis < 10 || delayMillis > 60_000) {
            throw new org.unidiff.api.core.InvalidRequestException("delay", "10 to 60000 milliseconds", delayMillis);
        }
        return unidiff -> {
            InterpolationResult result = withProgress("interpolate", control -> unidiff.interpolate(request, control));
            Map<String, String> text = OutputFolder.with(result.parameters().asText(),
                    "first", first.getFileName().toString(), "last", last.getFileName().toString(),
                    "caption.first", result.captions().get(0), "caption.last", result.captions().get(1));
            // Both inputs' full paths enter the tag, so runs on other images never share file names.
            String tag = OutputFolder.tag(OutputFolder.with(text, "first_path",
                    first.toAbsolutePath().normalize().toString(), "last_path",
                    last.toAbsolutePath().normalize().toString()));
            List<ContactSheet.Cell> cells = new ArrayList<>();
            List<BufferedImage> images = result.frames();
            for (int k = 0; k < images.size(); k++) {
                Path file = output.save(images.get(k), String.format(java.util.Locale.ROOT, "interpolation-%s-frame-%02d.png",
                        tag, k), OutputFolder.with(text, "frame", Integer.toString(k)));
                out().println(file);
                cells.add(new ContactSheet.Cell(images.get(k), "frame " + k));
            }
            out().println(output.saveSheet(cells, Math.min(8, cells.size()), text, tag));
            int scale = Math.max(1, 256 / Math.max(1, images.get(0).getWidth()));
            Path gif = output.saveFile("interpolation-" + tag + ".gif",
                    temp -> AnimatedGif.write(images, delayMillis, scale, temp));
            out().println(gif);
        };
    }
}
