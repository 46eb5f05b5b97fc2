package org.unidiff.api.engine;

/**
 * Which sampling stage of a request is running, for progress reports and for the noise seed.
 *
 * @param name  shown in {@link org.unidiff.api.core.Progress#stage()}
 * @param index from 0
 * @param count stages of the request
 */
public record SamplingStage(String name, int index, int count) {

    /** Checks the index against the count. */
    public SamplingStage {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a stage needs a name");
        }
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("stage index " + index + " out of 0.." + (count - 1));
        }
    }

    /** The only stage of a one-stage request. */
    public static SamplingStage only(String name) {
        return new SamplingStage(name, 0, 1);
    }
}
