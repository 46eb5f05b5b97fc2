package org.unidiff.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.unidiff.api.ExamplePair;
import org.unidiff.api.GenerationParameters;
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
import org.unidiff.api.JointRequest;
import org.unidiff.api.JointResult;
import org.unidiff.api.MarginalRoute;
import org.unidiff.api.Recipes;
import org.unidiff.api.ReferenceMode;
import org.unidiff.api.TextOnlyRequest;
import org.unidiff.api.TextResult;
import org.unidiff.api.TextToImageRequest;
import org.unidiff.api.TextVariationRequest;

/**
 * The tasks a server serves, by API name. {@link #builtIn()} holds every built-in task; a new
 * recipe becomes a served task with one {@link #add} of a {@link TaskAdapter}:
 *
 * <pre>{@code
 * tasks.add(TaskAdapter.of("my-task", MY_RECIPE,
 *         in -> new MyRequest(in.prompt("prompt"), in.options()), MyResult::parameters,
 *         (result, out) -> TaskAdapters.putImages(out, "images", result.images())));
 * }</pre>
 *
 * <p>JSON field names are shared by all tasks: {@code prompt}, {@code image} (base64 PNG),
 * {@code route}, {@code slots} ({@code caption}, optional {@code image}), {@code referenceMode},
 * {@code groupGuidance}, and the sampling fields of {@link RequestReader#options()}.
 */
public final class TaskAdapters {

    /** Frames of an interpolation that does not say. */
    static final int DEFAULT_FRAMES = 8;

    private final Map<String, TaskAdapter<?, ?>> byName = new LinkedHashMap<>();

    /** An empty set of tasks. */
    public TaskAdapters() {
    }

    /** Every built-in task of the engine. */
    public static TaskAdapters builtIn() {
        TaskAdapters t = new TaskAdapters();
        t.add(TaskAdapter.of(Recipes.TEXT_TO_IMAGE,
                in -> new TextToImageRequest(in.prompt("prompt"), in.options()), ImageResult::parameters,
                (r, out) -> putImages(out, "images", r.images())));
        t.add(TaskAdapter.of(Recipes.IMAGE_TO_TEXT,
                in -> new ImageToTextRequest(in.image("image"), in.options()), TextResult::parameters,
                (r, out) -> putTexts(out, r.texts())));
        t.add(TaskAdapter.of(Recipes.JOINT,
                in -> new JointRequest(in.options(), in.optionalEnum("route", MarginalRoute.class)), JointResult::parameters,
                TaskAdapters::putJoint));
        t.add(TaskAdapter.of(Recipes.IMAGE_ONLY,
                in -> new ImageOnlyRequest(in.options(), in.optionalEnum("route", MarginalRoute.class)), ImageResult::parameters,
                (r, out) -> putImages(out, "images", r.images())));
        t.add(TaskAdapter.of(Recipes.TEXT_ONLY,
                in -> new TextOnlyRequest(in.options()), TextResult::parameters,
                (r, out) -> putTexts(out, r.texts())));
        t.add(TaskAdapter.of(Recipes.IMAGE_VARIATION,
                in -> new ImageVariationRequest(in.image("image"), in.options()), ImageResult::parameters,
                (r, out) -> putImages(out, "images", r.images())));
        t.add(TaskAdapter.of(Recipes.TEXT_VARIATION,
                in -> new TextVariationRequest(in.prompt("prompt"), in.options()), TextResult::parameters,
                (r, out) -> putTexts(out, r.texts())));
        t.add(TaskAdapter.of(Recipes.GROUP, TaskAdapters::readGroup, GroupResult::parameters,
                TaskAdapters::putGroup));
        t.add(TaskAdapter.of(Recipes.INTERPOLATION, TaskAdapters::readInterpolation,
                InterpolationResult::parameters, (r, out) -> {
                    putImages(out, "images", r.frames());
                    putTexts(out, r.captions());
                }));
        t.add(TaskAdapter.of(Recipes.IN_CONTEXT, TaskAdapters::readInContext, ImageResult::parameters,
                (r, out) -> putImages(out, "images", r.images())));
        return t;
    }

    /**
     * The tasks of this set that {@code manifest}'s model serves, in this set's order.
     *
     * @throws IllegalArgumentException if it serves none of them, naming what it serves and what is here
     */
    public TaskAdapters servedBy(org.unidiff.runtime.manifest.BundleManifest manifest) {
        TaskAdapters served = new TaskAdapters();
        // By the recipe's task, not the adapter's name: a user's adapter may run a built-in task under its own name.
        byName.values().stream().filter(a -> manifest.serves(a.recipe().task().id())).forEach(served::add);
        if (served.byName.isEmpty()) {
            throw new IllegalArgumentException("model '" + manifest.name() + "' serves " + manifest.servedTasks()
                    + ", and this server has adapters for none of them (it has " + names() + ")");
        }
        return served;
    }

    /**
     * Adds a task.
     *
     * @throws IllegalArgumentException if a task of that name is already served
     */
    public TaskAdapters add(TaskAdapter<?, ?> adapter) {
        if (byName.putIfAbsent(adapter.name(), adapter) != null) {
            throw new IllegalArgumentException("task '" + adapter.name() + "' is already served");
        }
        return this;
    }

    /** The task of that name, if served. */
    public Optional<TaskAdapter<?, ?>> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The names of the served tasks, in the order they were added. */
    public List<String> names() {
        return Collections.unmodifiableList(new ArrayList<>(byName.keySet()));
    }

    /** Writes {@code images} as an array of base64 PNGs under {@code name}. */
    public static void putImages(ObjectNode out, String name, List<BufferedImage> images) {
        ArrayNode a = out.putArray(name);
        for (BufferedImage image : images) {
            a.add(Pngs.encode(image));
        }
    }

    /** Writes {@code texts} as an array of strings under {@code "texts"}. */
    public static void putTexts(ObjectNode out, List<String> texts) {
        ArrayNode a = out.putArray("texts");
        texts.forEach(a::add);
    }

    /** Writes the generation parameters of a result under {@code "parameters"}. */
    public static void putParameters(ObjectNode out, GenerationParameters p) {
        ObjectNode n = out.putObject("parameters");
        n.put("task", RequestReader.id(p.task()));
        n.put("model", p.model());
        ArrayNode prompts = n.putArray("prompts");
        p.prompts().forEach(prompts::add);
        n.put("seed", p.seed());
        n.put("steps", p.steps());
        n.put("sampler", p.sampler());
        n.put("guidanceScale", p.guidanceScale());
        n.put("outputs", p.outputs());
        // Always present: null when the model takes no data type.
        if (p.dataType() != null) {
            n.put("dataType", p.dataType());
        } else {
            n.putNull("dataType");
        }
        // Words of the prompts the model does not know (ignored): the CLI's warning, in the result.
        ArrayNode unknown = n.putArray("unknownWords");
        if (p.unknownWords() != null) {
            p.unknownWords().forEach(unknown::add);
        }
        if (p.route() != null) {
            n.put("route", p.route());
        }
    }

    private static void putJoint(JointResult r, ObjectNode out) {
        putImages(out, "images", r.images());
        putTexts(out, r.texts());
    }

    /**
     * {@code {"first": PNG, "last": PNG, "frames": 2..64 (default 8), "refinements": 0..}} plus
     * the sampling options; the result's {@code images} are the frames, endpoints included, and
     * its {@code texts} the two inputs' captions.
     */
    private static InterpolationRequest readInterpolation(RequestReader in) {
        BufferedImage first = in.image("first");
        BufferedImage last = in.image("last");
        Long frames = in.optionalLong("frames", InterpolationRequest.MIN_FRAMES, InterpolationRequest.MAX_FRAMES);
        Long refinements = in.optionalLong("refinements", 0, org.unidiff.sampling.solver.DdimInversion.MAX_REFINEMENTS);
        return new InterpolationRequest(first, last, frames == null ? DEFAULT_FRAMES : frames.intValue(),
                refinements == null ? InversionRequest.DEFAULT_REFINEMENTS : refinements.intValue(), in.options());
    }

    /**
     * {@code {"examples": [{"input": PNG, "output": PNG}, ...], "query": PNG, "exampleMode":
     * "clean" | "renoise"}} plus the sampling options.
     */
    private static InContextRequest readInContext(RequestReader in) {
        List<ExamplePair> examples = in.objects("examples", InContextRequest.MAX_EXAMPLES,
                p -> {
                    BufferedImage input = p.image("input");
                    BufferedImage output = p.image("output");
                    p.finish();
                    return new ExamplePair(input, output);
                });
        ReferenceMode mode = in.optionalEnum("exampleMode", ReferenceMode.class);
        return new InContextRequest(examples, in.image("query"), mode, in.options());
    }

    private static GroupRequest readGroup(RequestReader in) {
        List<GroupSlot> slots = in.objects("slots", in.limits().maxGroupSize(),
                s -> {
                    String caption = s.optionalString("caption");
                    BufferedImage image = s.optionalImage("image");
                    s.finish();
                    return new GroupSlot(caption, image);
                });
        ReferenceMode mode = in.optionalEnum("referenceMode", ReferenceMode.class);
        GroupGuidance guidance = in.optionalEnum("groupGuidance", GroupGuidance.class);
        return new GroupRequest(slots, mode, guidance, in.options());
    }

    private static void putGroup(GroupResult r, ObjectNode out) {
        ArrayNode groups = out.putArray("groups");
        for (List<BufferedImage> group : r.groups()) {
            ArrayNode g = groups.addArray();
            for (BufferedImage image : group) {
                g.add(Pngs.encode(image));
            }
        }
    }
}
