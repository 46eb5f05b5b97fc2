package org.unidiff.api.engine;

/**
 * Every rule that derives a noise seed from a request seed, in one place, so the engine, the
 * benchmarks and every front end (service, Spark job) agree on which numbers a request draws.
 *
 * <ul>
 *   <li>Sampling stage k of a request draws from {@link #stageSeed(long, int)}: stage 0 uses the
 *       request seed itself, later stages add a multiple of a golden-ratio constant so the stages'
 *       streams do not overlap. Output i of a stage uses stream i of that seed.</li>
 *   <li>The VAE sample of input image i of a request (the caption input, the variation source,
 *       group reference i) draws from {@link #imageEncodingSeed(long, int)}.</li>
 *   <li>A row of a batch job draws from {@link #rowSeed(long, String)}: a function of the job
 *       seed and a stable key of the row, never of its partition or position.</li>
 * </ul>
 */
public final class SeedRules {

    // Why these constants: odd 64-bit mixing constants (golden ratio and a MurmurHash3 finalizer
    // constant) that spread nearby seeds far apart; changing either changes every output.
    private static final long STAGE_MIX = 0x9E3779B97F4A7C15L;
    private static final long IMAGE_MIX = 0xC2B2AE3D27D4EB4FL;

    private SeedRules() {
    }

    /** The seed of sampling stage {@code stage} (from 0) of a request with seed {@code requestSeed}. */
    public static long stageSeed(long requestSeed, int stage) {
        if (stage < 0) {
            throw new IllegalArgumentException("stage index must be >= 0, got " + stage);
        }
        return stage == 0 ? requestSeed : requestSeed + STAGE_MIX * stage;
    }

    /** The seed of the VAE sample of input image {@code image} (from 0) of a request. */
    public static long imageEncodingSeed(long requestSeed, int image) {
        if (image < 0) {
            throw new IllegalArgumentException("image index must be >= 0, got " + image);
        }
        return (requestSeed + image) ^ IMAGE_MIX;
    }

    /**
     * The seed of one row of a batch job: the job seed mixed with a 64-bit hash of the row's key
     * (FNV-1a over the key's UTF-16 code units, then a finalizer), so equal keys give equal seeds
     * on every machine and in every partitioning.
     */
    public static long rowSeed(long jobSeed, String rowKey) {
        if (rowKey == null) {
            throw new IllegalArgumentException("a row key is needed to derive a row seed, got null");
        }
        long h = 0xCBF29CE484222325L;
        for (int i = 0; i < rowKey.length(); i++) {
            h ^= rowKey.charAt(i);
            h *= 0x100000001B3L;
        }
        h ^= jobSeed * STAGE_MIX;
        h ^= h >>> 33;
        h *= IMAGE_MIX;
        h ^= h >>> 29;
        return h;
    }
}
