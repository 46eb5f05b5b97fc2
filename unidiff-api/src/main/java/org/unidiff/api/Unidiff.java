package org.unidiff.api;

import org.unidiff.api.core.ExecutionProviderUnavailableException;
import org.unidiff.api.core.GenerationCancelledException;
import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.core.MarginalRoute;
import org.unidiff.api.core.ModelBundleException;
import org.unidiff.api.core.RunControl;
import org.unidiff.api.core.UnidiffException;
import org.unidiff.api.core.UnidiffOptions;

import java.util.List;
import java.util.Optional;
import org.unidiff.api.engine.Engine;
import org.unidiff.api.engine.EngineHooks;
import org.unidiff.api.engine.Recipe;
import org.unidiff.runtime.manifest.BundleManifest;

/**
 * The one entry point: opens a model bundle and runs every task on it.
 *
 * <pre>{@code
 * try (Unidiff unidiff = Unidiff.open(UnidiffOptions.defaults())) {
 *     ImageResult r = unidiff.textToImage(TextToImageRequest.of("a large red circle in the center", 7));
 *     ImageIO.write(r.image(), "png", new File("out.png"));
 *     List<ImageResult> many = unidiff.runAll(Recipes.TEXT_TO_IMAGE, List.of(a, b, c));  // one solve
 * }
 * }</pre>
 *
 * <p>Every task is a {@link Recipe} run by one {@link Engine}; the task methods here are
 * one-line calls into it. Safe to call from several threads at once; each call's result depends
 * only on its request (same seed, same output on a given execution provider), also inside a
 * batched {@link #runAll} call. Bad requests (null ones included) throw
 * {@link InvalidRequestException} before any work; cancelled calls throw
 * {@link GenerationCancelledException}; a bundle that breaks the contract throws
 * {@link ModelBundleException}: all are {@link UnidiffException}s, and the instance stays usable. Closing waits for running calls and releases every native resource.
 */
public final class Unidiff implements AutoCloseable {

    private final Engine engine;

    private Unidiff(Engine engine) {
        this.engine = engine;
    }

    /**
     * Opens and validates a bundle (the bundled default when {@code options.bundle()} is null).
     *
     * @throws ModelBundleException if the bundle breaks the contract
     * @throws ExecutionProviderUnavailableException if CUDA was asked for, cannot load, and no fallback was allowed
     */
    public static Unidiff open(UnidiffOptions options) {
        return new Unidiff(Engine.open(options));
    }

    /** Opens a bundle whose engine reports to {@code hooks} (noise, timings, final latents). */
    public static Unidiff open(UnidiffOptions options, EngineHooks hooks) {
        return new Unidiff(Engine.open(options, hooks));
    }

    /** Opens the bundled default model on CPU. */
    public static Unidiff openDefault() {
        return open(UnidiffOptions.defaults());
    }

    /** The model's manifest: sizes, defaults, group limit. */
    public BundleManifest manifest() {
        return engine.manifest();
    }

    /** The model-file variant loaded where the bundle declares it ({@link UnidiffOptions#withVariant}), if any. */
    public Optional<String> variant() {
        return engine.variant();
    }

    /** The engine behind this instance, for recipes of your own. */
    public Engine engine() {
        return engine;
    }

    /**
     * Runs many requests of one task in as few model calls as possible: requests whose sampling
     * settings agree share each solve; each result equals the one of its request run alone.
     */
    public <Q, R> List<R> runAll(Recipe<Q, R> recipe, List<Q> requests) {
        return engine.runAll(recipe, requests, RunControl.NONE);
    }

    /** {@link #runAll(Recipe, List)} with progress and cancellation for the whole call. */
    public <Q, R> List<R> runAll(Recipe<Q, R> recipe, List<Q> requests, RunControl control) {
        return engine.runAll(recipe, requests, control);
    }

    /** Text to image. */
    public ImageResult textToImage(TextToImageRequest request) {
        return engine.run(Recipes.TEXT_TO_IMAGE, request, RunControl.NONE);
    }

    /** Text to image, with progress and cancellation. */
    public ImageResult textToImage(TextToImageRequest request, RunControl control) {
        return engine.run(Recipes.TEXT_TO_IMAGE, request, control);
    }

    /** Image to text (captioning). */
    public TextResult imageToText(ImageToTextRequest request) {
        return engine.run(Recipes.IMAGE_TO_TEXT, request, RunControl.NONE);
    }

    /** Image to text (captioning), with progress and cancellation. */
    public TextResult imageToText(ImageToTextRequest request, RunControl control) {
        return engine.run(Recipes.IMAGE_TO_TEXT, request, control);
    }

    /** Joint image and caption generation, by the request's {@link MarginalRoute}. */
    public JointResult joint(JointRequest request) {
        return engine.run(Recipes.JOINT, request, RunControl.NONE);
    }

    /** Joint image and caption generation, by the request's {@link MarginalRoute}, with progress and cancellation. */
    public JointResult joint(JointRequest request, RunControl control) {
        return engine.run(Recipes.JOINT, request, control);
    }

    /** Unconditional images, by the request's {@link MarginalRoute}. */
    public ImageResult imageOnly(ImageOnlyRequest request) {
        return engine.run(Recipes.IMAGE_ONLY, request, RunControl.NONE);
    }

    /** Unconditional images, by the request's {@link MarginalRoute}, with progress and cancellation. */
    public ImageResult imageOnly(ImageOnlyRequest request, RunControl control) {
        return engine.run(Recipes.IMAGE_ONLY, request, control);
    }

    /** Unconditional texts. */
    public TextResult textOnly(TextOnlyRequest request) {
        return engine.run(Recipes.TEXT_ONLY, request, RunControl.NONE);
    }

    /** Unconditional texts, with progress and cancellation. */
    public TextResult textOnly(TextOnlyRequest request, RunControl control) {
        return engine.run(Recipes.TEXT_ONLY, request, control);
    }

    /** Image variation: image to text latent to image, the latent passed on directly. */
    public ImageResult imageVariation(ImageVariationRequest request) {
        return engine.run(Recipes.IMAGE_VARIATION, request, RunControl.NONE);
    }

    /** Image variation: image to text latent to image, the latent passed on directly, with progress and cancellation. */
    public ImageResult imageVariation(ImageVariationRequest request, RunControl control) {
        return engine.run(Recipes.IMAGE_VARIATION, request, control);
    }

    /** Text variation: text to image latents to text, the latents passed on directly. */
    public TextResult textVariation(TextVariationRequest request) {
        return engine.run(Recipes.TEXT_VARIATION, request, RunControl.NONE);
    }

    /** Text variation: text to image latents to text, the latents passed on directly, with progress and cancellation. */
    public TextResult textVariation(TextVariationRequest request, RunControl control) {
        return engine.run(Recipes.TEXT_VARIATION, request, control);
    }

    /** Grouped generation. */
    public GroupResult group(GroupRequest request) {
        return engine.run(Recipes.GROUP, request, RunControl.NONE);
    }

    /** Grouped generation, with progress and cancellation. */
    public GroupResult group(GroupRequest request, RunControl control) {
        return engine.run(Recipes.GROUP, request, control);
    }

    /** In-context: the examples' transform applied to the query (bundles of the in-context family). */
    public ImageResult inContext(InContextRequest request) {
        return engine.run(Recipes.IN_CONTEXT, request, RunControl.NONE);
    }

    /** In-context, with progress and cancellation. */
    public ImageResult inContext(InContextRequest request, RunControl control) {
        return engine.run(Recipes.IN_CONTEXT, request, control);
    }

    /** Inversion: an image to the noise and caption latent that regenerate it. */
    public InversionResult invert(InversionRequest request) {
        return engine.run(Recipes.INVERSION, request, RunControl.NONE);
    }

    /** Inversion, with progress and cancellation. */
    public InversionResult invert(InversionRequest request, RunControl control) {
        return engine.run(Recipes.INVERSION, request, control);
    }

    /** Interpolation between two images: frames from the first to the last. */
    public InterpolationResult interpolate(InterpolationRequest request) {
        return engine.run(Recipes.INTERPOLATION, request, RunControl.NONE);
    }

    /** Interpolation between two images, with progress and cancellation. */
    public InterpolationResult interpolate(InterpolationRequest request, RunControl control) {
        return engine.run(Recipes.INTERPOLATION, request, control);
    }

    /** Releases the bundle's sessions, after running calls finish. Idempotent. */
    @Override
    public void close() {
        engine.close();
    }

    /**
     * The words of {@code text} that the model's tokenizer does not know (mapped to its unknown
     * token, or dropped entirely, like emoji for a letters-only vocabulary), in order, each once;
     * empty when the model understands every word. A prompt with unknown words still runs, but
     * the model sees those words as nothing or as one generic token.
     */
    public List<String> unknownWords(String text) {
        return engine.unknownWords(text);
    }
}
