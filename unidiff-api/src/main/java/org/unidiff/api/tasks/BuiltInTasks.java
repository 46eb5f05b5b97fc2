package org.unidiff.api.tasks;

import java.awt.image.BufferedImage;
import java.util.List;
import org.unidiff.api.ExamplePair;
import org.unidiff.api.GroupGuidance;
import org.unidiff.api.GroupRequest;
import org.unidiff.api.GroupResult;
import org.unidiff.api.GroupSlot;
import org.unidiff.api.ImageOnlyRequest;
import org.unidiff.api.ImageResult;
import org.unidiff.api.ImageToTextRequest;
import org.unidiff.api.ImageVariationRequest;
import org.unidiff.api.InContextRequest;
import org.unidiff.api.InterpolationRequest;
import org.unidiff.api.InterpolationResult;
import org.unidiff.api.InversionRequest;
import org.unidiff.api.InversionResult;
import org.unidiff.api.JointRequest;
import org.unidiff.api.JointResult;
import org.unidiff.api.core.MarginalRoute;
import org.unidiff.api.Recipes;
import org.unidiff.api.ReferenceMode;
import org.unidiff.api.TextOnlyRequest;
import org.unidiff.api.TextResult;
import org.unidiff.api.TextToImageRequest;
import org.unidiff.api.TextVariationRequest;
import org.unidiff.sampling.solver.DdimInversion;

/**
 * The library's tasks as definitions: one line each where the request is a prompt or an image,
 * a reader of its own where it has lists ({@code slots}, {@code examples}) or counts.
 *
 * <p>Outputs, on every front end: {@code images} and {@code texts}; a group's {@code groups}; an
 * interpolation's frames as {@code images} and {@code animation} and the two captions as {@code texts}; an inversion's
 * {@code noise}, {@code clipNoise}, {@code textLatent}, {@code imageLatent} and, when asked,
 * {@code images} (the regeneration).
 */
final class BuiltInTasks {

    /** Frames of an interpolation that does not say. */
    static final int DEFAULT_FRAMES = 8;

    private BuiltInTasks() {
    }

    static List<TaskDefinition<?, ?>> all() {
        return List.of(
                TaskDefinition.of(Recipes.TEXT_TO_IMAGE, in -> new TextToImageRequest(in.prompt("prompt"), in.options()),
                        ImageResult::parameters, (r, out) -> out.images("images", r.images())),
                TaskDefinition.of(Recipes.IMAGE_TO_TEXT, in -> new ImageToTextRequest(in.image("image"), in.options()),
                        TextResult::parameters, (r, out) -> out.texts("texts", r.texts())),
                TaskDefinition.of(Recipes.JOINT,
                        in -> new JointRequest(in.options(), in.optionalEnum("route", MarginalRoute.class)),
                        JointResult::parameters, (r, out) -> {
                            out.images("images", r.images());
                            out.texts("texts", r.texts());
                        }),
                TaskDefinition.of(Recipes.IMAGE_ONLY,
                        in -> new ImageOnlyRequest(in.options(), in.optionalEnum("route", MarginalRoute.class)),
                        ImageResult::parameters, (r, out) -> out.images("images", r.images())),
                TaskDefinition.of(Recipes.TEXT_ONLY, in -> new TextOnlyRequest(in.options()),
                        TextResult::parameters, (r, out) -> out.texts("texts", r.texts())),
                TaskDefinition.of(Recipes.IMAGE_VARIATION,
                        in -> new ImageVariationRequest(in.image("image"), in.options()),
                        ImageResult::parameters, (r, out) -> out.images("images", r.images())),
                TaskDefinition.of(Recipes.TEXT_VARIATION,
                        in -> new TextVariationRequest(in.prompt("prompt"), in.options()),
                        TextResult::parameters, (r, out) -> out.texts("texts", r.texts())),
                TaskDefinition.of(Recipes.GROUP, BuiltInTasks::readGroup, GroupResult::parameters,
                        (r, out) -> out.imageGroups("groups", r.groups())),
                TaskDefinition.of(Recipes.INVERSION, BuiltInTasks::readInversion, InversionResult::parameters,
                        BuiltInTasks::writeInversion),
                TaskDefinition.of(Recipes.INTERPOLATION, BuiltInTasks::readInterpolation,
                        InterpolationResult::parameters, (r, out) -> {
                            out.images("images", r.frames());
                            out.animation("animation", r.frames());
                            out.texts("texts", r.captions());
                        }),
                TaskDefinition.of(Recipes.IN_CONTEXT, BuiltInTasks::readInContext, ImageResult::parameters,
                        (r, out) -> out.images("images", r.images())));
    }

    /** {@code slots} (each a {@code caption} and an optional reference {@code image}), {@code referenceMode}, {@code groupGuidance}. */
    private static GroupRequest readGroup(RequestFields in) {
        List<GroupSlot> slots = in.objects("slots", in.limits().maxEntries(), s -> {
            String caption = s.optionalString("caption");
            BufferedImage image = s.optionalImage("image");
            s.finish();
            return new GroupSlot(caption, image);
        });
        ReferenceMode mode = in.optionalEnum("referenceMode", ReferenceMode.class);
        GroupGuidance guidance = in.optionalEnum("groupGuidance", GroupGuidance.class);
        return new GroupRequest(slots, mode, guidance, in.options());
    }

    /** {@code image}, {@code refinements} (default 2), {@code regenerate} (0 or 1, default 0). */
    private static InversionRequest readInversion(RequestFields in) {
        BufferedImage image = in.image("image");
        Long refinements = in.optionalLong("refinements", 0, DdimInversion.MAX_REFINEMENTS);
        Long regenerate = in.optionalLong("regenerate", 0, 1);
        return new InversionRequest(image, refinements == null ? InversionRequest.DEFAULT_REFINEMENTS
                : refinements.intValue(), regenerate != null && regenerate == 1, in.options());
    }

    private static void writeInversion(InversionResult r, ResultSink out) {
        out.numbers("noise", r.noise());
        out.numbers("clipNoise", r.clipNoise());
        out.numbers("textLatent", r.textLatent());
        out.numbers("imageLatent", r.imageLatent());
        r.regenerated().ifPresent(image -> out.images("images", List.of(image)));
    }

    /** {@code first}, {@code last}, {@code frames} (2..64, default 8), {@code refinements}. */
    private static InterpolationRequest readInterpolation(RequestFields in) {
        BufferedImage first = in.image("first");
        BufferedImage last = in.image("last");
        Long frames = in.optionalLong("frames", InterpolationRequest.MIN_FRAMES, InterpolationRequest.MAX_FRAMES);
        Long refinements = in.optionalLong("refinements", 0, DdimInversion.MAX_REFINEMENTS);
        return new InterpolationRequest(first, last, frames == null ? DEFAULT_FRAMES : frames.intValue(),
                refinements == null ? InversionRequest.DEFAULT_REFINEMENTS : refinements.intValue(), in.options());
    }

    /** {@code examples} (each an {@code input} and an {@code output} image), {@code query}, {@code exampleMode}. */
    private static InContextRequest readInContext(RequestFields in) {
        List<ExamplePair> examples = in.objects("examples", InContextRequest.MAX_EXAMPLES, p -> {
            BufferedImage input = p.image("input");
            BufferedImage output = p.image("output");
            p.finish();
            return new ExamplePair(input, output);
        });
        ReferenceMode mode = in.optionalEnum("exampleMode", ReferenceMode.class);
        return new InContextRequest(examples, in.image("query"), mode, in.options());
    }
}
