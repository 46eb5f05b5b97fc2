package org.unidiff.bench;

import java.util.List;

/**
 * What the quality benchmark generates: seeds, sizes and sampling options.
 *
 * @param seed              master seed; every prompt, image and group set derives from it
 * @param steps             solver steps, or null for the bundle default
 * @param sampler           solver name, or null for the bundle default
 * @param samples           items per metric (images, captions, pairs)
 * @param imageOnlySamples  unconditional images for validity and distinct scenes (the target counts 300)
 * @param groups            groups per group metric
 * @param batch             outputs per request: each prompt, image or group is sampled this many times at once
 * @param guidanceScales    scales of the guidance metric, increasing
 * @param guidance          guidance scale of every other metric, or null for the bundle default
 */
public record QualitySettings(long seed, Integer steps, String sampler, int samples, int imageOnlySamples,
                              int groups, int batch, List<Double> guidanceScales, Double guidance) {

    /** The item count the distinct-scene target is stated for. */
    public static final int DISTINCT_SCENE_SAMPLES = 300;

    /** Checks the sizes. */
    public QualitySettings {
        positive("samples", samples);
        positive("imageOnlySamples", imageOnlySamples);
        positive("groups", groups);
        if (batch < 1 || batch > org.unidiff.api.core.SamplingOptions.MAX_OUTPUTS) {
            throw new IllegalArgumentException("batch must be 1.." + org.unidiff.api.core.SamplingOptions.MAX_OUTPUTS
                    + " (outputs per request), got " + batch);
        }
        guidanceScales = List.copyOf(guidanceScales);
        if (guidanceScales.size() < 2) {
            throw new IllegalArgumentException("need at least two guidance scales, got " + guidanceScales);
        }
        for (int i = 0; i < guidanceScales.size(); i++) {
            double s = guidanceScales.get(i);
            if (!(s >= 0) || !Double.isFinite(s) || (i > 0 && s <= guidanceScales.get(i - 1))) {
                throw new IllegalArgumentException("guidance scales must be finite, >= 0 and increasing, got "
                        + guidanceScales);
            }
        }
        if (guidance != null && !(guidance >= 0 && Double.isFinite(guidance))) {
            throw new IllegalArgumentException("guidance must be finite and >= 0, got " + guidance);
        }
    }

    /** Settings at the bundle's default guidance scale. */
    public QualitySettings(long seed, Integer steps, String sampler, int samples, int imageOnlySamples,
                           int groups, int batch, List<Double> guidanceScales) {
        this(seed, steps, sampler, samples, imageOnlySamples, groups, batch, guidanceScales, null);
    }

    /** The scale every metric but the sweep runs at: {@link #guidance()}, else the bundle's {@code bundleDefault}. */
    public double guidanceOr(double bundleDefault) {
        return guidance == null ? bundleDefault : guidance;
    }

    /** The defaults: 200 items per metric, 300 unconditional images, 100 groups, 4 outputs per request. */
    public static QualitySettings defaults() {
        return new QualitySettings(7L, null, null, 200, DISTINCT_SCENE_SAMPLES, 100, 4, List.of(0.0, 1.0, 3.0, 7.0));
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
    }
}
