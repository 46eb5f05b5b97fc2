package org.unidiff.api;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.unidiff.runtime.Bundle;
import org.unidiff.runtime.manifest.BundleManifest;
import org.unidiff.sampling.plan.GivenValues;
import org.unidiff.sampling.plan.GroupSlot;
import org.unidiff.sampling.plan.JointShape;
import org.unidiff.sampling.plan.SampleLatents;
import org.unidiff.sampling.plan.TaskPlan;
import org.unidiff.sampling.plan.TwoStagePlan;
import org.unidiff.sampling.plan.UnconditionalText;

/**
 * The one entry point: opens a model bundle and runs every task on it.
 *
 * <pre>{@code
 * try (Unidiff unidiff = Unidiff.open(UnidiffOptions.defaults())) {
 *     ImageResult r = unidiff.textToImage(TextToImageRequest.of("a large red circle in the center", 7));
 *     ImageIO.write(r.image(), "png", new File("out.png"));
 * }
 * }</pre>
 *
 * <p>Safe to call from several threads at once; each call's result depends only on its request
 * (same seed, same output on a given execution provider). Bad requests throw
 * {@link InvalidRequestException} before any work; cancelled calls throw
 * {@link GenerationCancelledException}; either way the instance stays usable. Closing waits for
 * running calls and releases every native resource.
 */
public final class Unidiff implements AutoCloseable {

    private final Bundle bundle;
    private final Engine engine;
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private Unidiff(Bundle bundle) {
        this(bundle, Engine.SEEDED);
    }

    /** Test seam: an instance whose noise (and view of final latents) is {@code hooks}'. */
    Unidiff(Bundle bundle, Engine.SamplingHooks hooks) {
        this.bundle = bundle;
        this.engine = new Engine(bundle, hooks);
    }

    /**
     * Opens and validates a bundle (the bundled default when {@code options.bundle()} is null).
     *
     * @throws org.unidiff.runtime.BundleException if the bundle breaks the contract
     */
    public static Unidiff open(UnidiffOptions options) {
        UnidiffOptions o = options == null ? UnidiffOptions.defaults() : options;
        Path dir = o.bundleIfSet().orElseGet(DefaultBundle::locate);
        return new Unidiff(Bundle.load(dir, o.execution()));
    }

    /** Opens the bundled default model on CPU. */
    public static Unidiff openDefault() {
        return open(UnidiffOptions.defaults());
    }

    /** The model's manifest: sizes, defaults, group limit. */
    public BundleManifest manifest() {
        return engine.manifest();
    }

    /** Text to image. */
    public ImageResult textToImage(TextToImageRequest request) {
        return textToImage(request, RunControl.NONE);
    }

    /** Text to image, with progress and cancellation. */
    public ImageResult textToImage(TextToImageRequest request, RunControl control) {
        return guarded(() -> {
            ResolvedOptions o = engine.resolve(request.options());
            double[] prompt = engine.promptLatent("prompt", request.prompt());
            JointShape shape = engine.shape(1);
            GivenValues givens = GivenValues.builder(shape).text(0, prompt).build();
            List<SampleLatents> out = engine.sample(TaskPlan.textToImage(), givens, o, Stage.only("text-to-image"),
                    control);
            return new ImageResult(engine.decodeImages(out, 0),
                    o.parameters(Task.TEXT_TO_IMAGE, engine.modelName(), List.of(request.prompt())));
        });
    }

    /** Image to text (captioning). */
    public TextResult imageToText(ImageToTextRequest request) {
        return imageToText(request, RunControl.NONE);
    }

    /** Image to text, with progress and cancellation. */
    public TextResult imageToText(ImageToTextRequest request, RunControl control) {
        return guarded(() -> {
            ResolvedOptions o = engine.resolve(request.options());
            ImageCondition image = engine.encodeImage(request.image(), engine.imageEncodingNoise(o.seed()));
            JointShape shape = engine.shape(1);
            GivenValues givens = GivenValues.builder(shape).image(0, image.latent(), image.clip()).build();
            List<SampleLatents> out = engine.sample(TaskPlan.imageToText(), givens, o, Stage.only("image-to-text"),
                    control);
            return new TextResult(engine.decodeTexts(out),
                    o.parameters(Task.IMAGE_TO_TEXT, engine.modelName(), List.of()));
        });
    }

    /** Joint image and caption generation, by the request's {@link MarginalRoute}. */
    public JointResult joint(JointRequest request) {
        return joint(request, RunControl.NONE);
    }

    /** Joint generation, with progress and cancellation. */
    public JointResult joint(JointRequest request, RunControl control) {
        return guarded(() -> {
            ResolvedOptions o = engine.resolve(request.options());
            GenerationParameters parameters = o.parameters(Task.JOINT, engine.modelName(), List.of(), request.route());
            if (request.route() == MarginalRoute.VIA_TEXT) {
                ViaText pair = imageViaText(o, "joint", control);
                return new JointResult(engine.decodeImages(pair.images(), 0), engine.decodeTexts(pair.texts()),
                        parameters);
            }
            GivenValues givens = GivenValues.none(engine.shape(1));
            List<SampleLatents> out = engine.sample(TaskPlan.joint(), givens, o, Stage.only("joint"), control);
            return new JointResult(engine.decodeImages(out, 0), engine.decodeTexts(out), parameters);
        });
    }

    /** Unconditional images, by the request's {@link MarginalRoute}. */
    public ImageResult imageOnly(ImageOnlyRequest request) {
        return imageOnly(request, RunControl.NONE);
    }

    /** Unconditional images, with progress and cancellation. */
    public ImageResult imageOnly(ImageOnlyRequest request, RunControl control) {
        return guarded(() -> {
            ResolvedOptions o = engine.resolve(request.options());
            GenerationParameters parameters = o.parameters(Task.IMAGE_ONLY, engine.modelName(), List.of(),
                    request.route());
            if (request.route() == MarginalRoute.VIA_TEXT) {
                return new ImageResult(engine.decodeImages(imageViaText(o, "image-only", control).images(), 0),
                        parameters);
            }
            GivenValues givens = GivenValues.none(engine.shape(1));
            List<SampleLatents> out = engine.sample(TaskPlan.imageOnly(), givens, o, Stage.only("image-only"),
                    control);
            return new ImageResult(engine.decodeImages(out, 0), parameters);
        });
    }

    /** The two stages of {@link MarginalRoute#VIA_TEXT}: the text latents drawn first, the images drawn from them. */
    private record ViaText(List<SampleLatents> texts, List<SampleLatents> images) {
    }

    /** Unconditional text latents, then guided text-to-image on each of them (sample n from text n). */
    private ViaText imageViaText(ResolvedOptions o, String task, RunControl control) {
        TwoStagePlan plan = TwoStagePlan.imageViaText(UnconditionalText.NOISE);
        JointShape shape = engine.shape(1);
        List<SampleLatents> texts = engine.sample(plan.first(), GivenValues.none(shape), o,
                new Stage(task + ": text latent", 0, 2), control);
        List<SampleLatents> images = engine.sample(plan.second(), plan.secondStageGivens(shape, texts).build(), o,
                new Stage(task + ": image", 1, 2), control);
        return new ViaText(texts, images);
    }

    /** Unconditional texts. */
    public TextResult textOnly(TextOnlyRequest request) {
        return textOnly(request, RunControl.NONE);
    }

    /** Unconditional texts, with progress and cancellation. */
    public TextResult textOnly(TextOnlyRequest request, RunControl control) {
        return guarded(() -> {
            ResolvedOptions o = engine.resolve(request.options());
            GivenValues givens = GivenValues.none(engine.shape(1));
            List<SampleLatents> out = engine.sample(TaskPlan.textOnly(), givens, o, Stage.only("text-only"),
                    control);
            return new TextResult(engine.decodeTexts(out),
                    o.parameters(Task.TEXT_ONLY, engine.modelName(), List.of()));
        });
    }

    /** Image variation: image to text latent to image, the latent passed on directly. */
    public ImageResult imageVariation(ImageVariationRequest request) {
        return imageVariation(request, RunControl.NONE);
    }

    /** Image variation, with progress and cancellation. */
    public ImageResult imageVariation(ImageVariationRequest request, RunControl control) {
        return guarded(() -> {
            ResolvedOptions o = engine.resolve(request.options());
            TwoStagePlan plan = TwoStagePlan.imageVariation(UnconditionalText.NOISE);
            ImageCondition image = engine.encodeImage(request.image(), engine.imageEncodingNoise(o.seed()));
            JointShape shape = engine.shape(1);
            GivenValues first = GivenValues.builder(shape).image(0, image.latent(), image.clip()).build();
            List<SampleLatents> texts = engine.sample(plan.first(), first, o,
                    new Stage("image-variation: caption latent", 0, 2), control);
            GivenValues second = plan.secondStageGivens(shape, texts).build();
            List<SampleLatents> images = engine.sample(plan.second(), second, o,
                    new Stage("image-variation: image", 1, 2), control);
            return new ImageResult(engine.decodeImages(images, 0),
                    o.parameters(Task.IMAGE_VARIATION, engine.modelName(), List.of()));
        });
    }

    /** Text variation: text to image latents to text, the latents passed on directly. */
    public TextResult textVariation(TextVariationRequest request) {
        return textVariation(request, RunControl.NONE);
    }

    /** Text variation, with progress and cancellation. */
    public TextResult textVariation(TextVariationRequest request, RunControl control) {
        return guarded(() -> {
            ResolvedOptions o = engine.resolve(request.options());
            TwoStagePlan plan = TwoStagePlan.textVariation(UnconditionalText.NOISE);
            double[] prompt = engine.promptLatent("prompt", request.prompt());
            JointShape shape = engine.shape(1);
            GivenValues first = GivenValues.builder(shape).text(0, prompt).build();
            List<SampleLatents> images = engine.sample(plan.first(), first, o,
                    new Stage("text-variation: image latent", 0, 2), control);
            GivenValues second = plan.secondStageGivens(shape, images).build();
            List<SampleLatents> texts = engine.sample(plan.second(), second, o,
                    new Stage("text-variation: caption", 1, 2), control);
            return new TextResult(engine.decodeTexts(texts),
                    o.parameters(Task.TEXT_VARIATION, engine.modelName(), List.of(request.prompt())));
        });
    }

    /** Grouped generation. */
    public GroupResult group(GroupRequest request) {
        return group(request, RunControl.NONE);
    }

    /** Grouped generation, with progress and cancellation. */
    public GroupResult group(GroupRequest request, RunControl control) {
        return guarded(() -> {
            int g = request.slots().size();
            if (g > engine.maxGroupSize()) {
                throw new InvalidRequestException("slots", "at most " + engine.maxGroupSize()
                        + " slots (group.max_size of model '" + engine.modelName() + "')", g + " slots");
            }
            ResolvedOptions o = engine.resolve(request.options());
            JointShape shape = engine.shape(g);
            GivenValues.Builder givens = GivenValues.builder(shape);
            List<GroupSlot> planSlots = new ArrayList<>(g);
            List<String> captions = new ArrayList<>(g);
            for (int i = 0; i < g; i++) {
                org.unidiff.api.GroupSlot slot = request.slots().get(i);
                boolean captioned = !slot.caption().isEmpty();
                captions.add(slot.caption());
                if (captioned) {
                    givens.text(i, engine.promptLatent("slots[" + i + "].caption", slot.caption()));
                }
                if (slot.generated()) {
                    planSlots.add(GroupSlot.generate(captioned));
                } else {
                    ImageCondition ref = engine.encodeImage(slot.reference(), engine.imageEncodingNoise(o.seed() + i));
                    givens.image(i, ref.latent(), ref.clip());
                    planSlots.add(request.referenceMode() == ReferenceMode.CLEAN
                            ? GroupSlot.cleanReference(captioned) : GroupSlot.renoisedReference(captioned));
                }
            }
            TaskPlan plan = TaskPlan.group(planSlots, UnconditionalText.NOISE,
                    request.guidance() == GroupGuidance.CAPTIONS_AND_REFERENCES);
            List<SampleLatents> out = engine.sample(plan, givens.build(), o, Stage.only("group of " + g), control);
            List<List<BufferedImage>> bySlot = new ArrayList<>(g);
            for (int i = 0; i < g; i++) {
                org.unidiff.api.GroupSlot slot = request.slots().get(i);
                if (slot.generated()) {
                    bySlot.add(engine.decodeImages(out, i));
                } else {
                    BufferedImage seen = engine.asModelSees(slot.reference());
                    bySlot.add(java.util.Collections.nCopies(out.size(), seen));
                }
            }
            List<List<BufferedImage>> groups = new ArrayList<>(out.size());
            for (int n = 0; n < out.size(); n++) {
                List<BufferedImage> group = new ArrayList<>(g);
                for (int i = 0; i < g; i++) {
                    group.add(bySlot.get(i).get(n));
                }
                groups.add(group);
            }
            return new GroupResult(groups, o.parameters(Task.GROUP, engine.modelName(), captions));
        });
    }

    /** Releases the bundle's sessions, after running calls finish. Idempotent. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                bundle.close();
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private <T> T guarded(Supplier<T> call) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("this Unidiff instance is closed");
            }
            return call.get();
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * The words of {@code text} that the model's tokenizer does not know (mapped to its unknown
     * token, or dropped entirely, like emoji for a letters-only vocabulary), in order, each once;
     * empty when the model understands every word. A prompt with unknown words still runs, but
     * the model sees those words as nothing or as one generic token.
     */
    public List<String> unknownWords(String text) {
        return guarded(() -> bundle.textEncoder().unknownWords(text));
    }
}
