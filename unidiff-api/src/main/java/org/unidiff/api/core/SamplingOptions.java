package org.unidiff.api.core;

import java.util.Optional;

/**
 * How one request is sampled: seed, solver, steps, guidance, how many outputs, and the
 * optional UniDiffuser v1 {@code data_type}. Any field left {@code null} takes the bundle's
 * default from its manifest, so requests stay valid when the model is swapped.
 *
 * <p>Output {@code i} of a request uses noise derived from {@code (seed, i)} alone, so asking
 * for 8 outputs gives the same 8 results as 8 requests of one output with the same seed.
 *
 * @param seed          seed of the noise of output 0 (outputs 1.. derive from it)
 * @param steps         solver steps, or null for the bundle default
 * @param sampler       solver name ("dpm-solver", "dpm-solver++", "ddim", "euler"), or null
 * @param guidanceScale classifier-free guidance scale s (eps = c + s (c - u)); 0 disables it; null for default
 * @param outputs       number of independent outputs, at least 1
 * @param dataType      data_type token for models that take one (null for the bundle default)
 */
public record SamplingOptions(long seed, Integer steps, String sampler, Double guidanceScale, int outputs,
                              Integer dataType) {

    /**
     * The largest guidance scale accepted (useful values are about 1 to 10; far beyond, samples
     * saturate). One rule for the library, the command line and the server.
     */
    public static final double MAX_GUIDANCE = 50.0;

    /** The most steps a request may ask for: more than this is almost surely a mistake. */
    public static final int MAX_STEPS = 1000;

    /** The most outputs one request may ask for. */
    public static final int MAX_OUTPUTS = 64;

    /** Validates what can be checked without the bundle. */
    public SamplingOptions {
        if (steps != null && (steps < 1 || steps > MAX_STEPS)) {
            throw new InvalidRequestException("steps", "an integer from 1 to " + MAX_STEPS, steps);
        }
        if (guidanceScale != null && !(guidanceScale >= 0 && guidanceScale <= MAX_GUIDANCE)) {
            throw new InvalidRequestException("guidanceScale", "a number from 0 to " + MAX_GUIDANCE, guidanceScale);
        }
        if (outputs < 1 || outputs > MAX_OUTPUTS) {
            throw new InvalidRequestException("outputs", "an integer from 1 to " + MAX_OUTPUTS, outputs);
        }
        if (sampler != null && sampler.isBlank()) {
            throw new InvalidRequestException("sampler", "a sampler name or null for the bundle default", "''");
        }
        if (dataType != null && dataType < 0) {
            throw new InvalidRequestException("dataType", "a non-negative data_type index", dataType);
        }
    }

    /** Bundle defaults, seed 0, one output. */
    public static SamplingOptions defaults() {
        return new SamplingOptions(0L, null, null, null, 1, null);
    }

    /** A copy with another seed. */
    public SamplingOptions withSeed(long newSeed) {
        return new SamplingOptions(newSeed, steps, sampler, guidanceScale, outputs, dataType);
    }

    /** A copy with another step count. */
    public SamplingOptions withSteps(int newSteps) {
        return new SamplingOptions(seed, newSteps, sampler, guidanceScale, outputs, dataType);
    }

    /** A copy with another sampler name. */
    public SamplingOptions withSampler(String newSampler) {
        return new SamplingOptions(seed, steps, newSampler, guidanceScale, outputs, dataType);
    }

    /** A copy with another guidance scale. */
    public SamplingOptions withGuidanceScale(double newScale) {
        return new SamplingOptions(seed, steps, sampler, newScale, outputs, dataType);
    }

    /** A copy with another number of outputs. */
    public SamplingOptions withOutputs(int newOutputs) {
        return new SamplingOptions(seed, steps, sampler, guidanceScale, newOutputs, dataType);
    }

    /** A copy with another data_type. */
    public SamplingOptions withDataType(int newDataType) {
        return new SamplingOptions(seed, steps, sampler, guidanceScale, outputs, newDataType);
    }

    /** The data_type, if set. */
    public Optional<Integer> dataTypeIfSet() {
        return Optional.ofNullable(dataType);
    }
}
