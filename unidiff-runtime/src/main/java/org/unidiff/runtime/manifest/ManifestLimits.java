package org.unidiff.runtime.manifest;

/**
 * The ranges the loader accepts for the manifest's numbers (documented in
 * {@code docs/bundle-contract.md}).
 *
 * <p>Why bounds at all: the runtime sizes buffers, schedules and searches from these numbers before
 * any ONNX model is run, so an absurd value in a downloaded bundle (a beam of a million, a billion
 * new tokens) would exhaust memory instead of failing. Each bound is far above any real model
 * (UniDiffuser v1: image 512, latent 4 x 64 x 64, 77 tokens, CLIP 512; the default model is smaller
 * still) and low enough that the largest allowed value stays affordable.
 */
public final class ManifestLimits {

    /** {@code image.height}, {@code image.width}, {@code clip_image.preprocess.size}: 1 to this. */
    public static final int MAX_IMAGE_SIDE = 4096;
    /** {@code latent.channels}: 1 to this. */
    public static final int MAX_LATENT_CHANNELS = 64;
    /** {@code latent.height}, {@code latent.width}: 1 to this. */
    public static final int MAX_LATENT_SIDE = 1024;
    /** {@code latent.scaling_factor}: above 0, at most this. */
    public static final double MAX_SCALING_FACTOR = 1000.0;
    /** {@code clip_image.dim}, {@code text.dim}: 1 to this. */
    public static final int MAX_EMBEDDING_DIM = 16384;
    /** {@code clip_image.preprocess.mean} and {@code std} entries: magnitude at most this. */
    public static final double MAX_NORMALIZATION = 1000.0;
    /** {@code text.tokens} (and so {@code text.tokenizer.max_length}): 1 to this. */
    public static final int MAX_TEXT_TOKENS = 4096;
    /** Token ids ({@code pad_id}, {@code bos_id}, {@code eos_id}, {@code caption.eos_id}): 0 to this. */
    public static final long MAX_TOKEN_ID = 16_777_215L;
    /** {@code caption.max_new_tokens}: 1 to this. */
    public static final int MAX_NEW_TOKENS = 1024;
    /** {@code caption.beam_size}: 1 to this. */
    public static final int MAX_BEAM_SIZE = 64;
    /** {@code schedule.train_steps}: 1 to this (2 at least for {@code vp-discrete}). */
    public static final int MAX_TRAIN_STEPS = 100_000;
    /** {@code defaults.steps}: 1 to this, and at most {@code schedule.train_steps}. */
    public static final int MAX_STEPS = 1000;
    /** {@code defaults.guidance_scale}: 0 to this. */
    public static final double MAX_GUIDANCE = 50.0;
    /** {@code group.max_size}: 1 to this. */
    public static final int MAX_GROUP_SIZE = 64;
    /** {@code data_type.default}: 0 to this. */
    public static final long MAX_DATA_TYPE = 1024;
    /** {@code components.<key>.variants}: at most this many per component. */
    public static final int MAX_VARIANTS = 8;

    private ManifestLimits() {
    }
}
