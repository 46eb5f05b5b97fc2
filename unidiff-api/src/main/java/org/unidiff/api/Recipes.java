package org.unidiff.api;

import org.unidiff.api.engine.Recipe;

/**
 * The recipe of every built-in task, for {@link Unidiff#runAll} and
 * {@link org.unidiff.api.engine.Engine#runAll}: many requests of one task in one call.
 */
public final class Recipes {

    /** Text to image. */
    public static final Recipe<TextToImageRequest, ImageResult> TEXT_TO_IMAGE = new TextToImageRecipe();
    /** Image to text (captioning). */
    public static final Recipe<ImageToTextRequest, TextResult> IMAGE_TO_TEXT = new ImageToTextRecipe();
    /** Joint image and caption. */
    public static final Recipe<JointRequest, JointResult> JOINT = new JointRecipe();
    /** Unconditional images. */
    public static final Recipe<ImageOnlyRequest, ImageResult> IMAGE_ONLY = new ImageOnlyRecipe();
    /** Unconditional texts. */
    public static final Recipe<TextOnlyRequest, TextResult> TEXT_ONLY = new TextOnlyRecipe();
    /** Image variation. */
    public static final Recipe<ImageVariationRequest, ImageResult> IMAGE_VARIATION = new ImageVariationRecipe();
    /** Text variation. */
    public static final Recipe<TextVariationRequest, TextResult> TEXT_VARIATION = new TextVariationRecipe();
    /** Grouped generation. */
    public static final Recipe<GroupRequest, GroupResult> GROUP = new GroupRecipe();

    /** Inversion: an image to its noise and caption latent. */
    public static final Recipe<InversionRequest, InversionResult> INVERSION = new InversionRecipe();
    /** Interpolation between two images. */
    public static final Recipe<InterpolationRequest, InterpolationResult> INTERPOLATION = new InterpolationRecipe();

    /** In-context (in-context family bundles). */
    public static final Recipe<InContextRequest, ImageResult> IN_CONTEXT = new InContextRecipe();

    private Recipes() {
    }
}
