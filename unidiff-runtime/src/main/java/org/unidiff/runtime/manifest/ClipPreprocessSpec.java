package org.unidiff.runtime.manifest;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * How images are prepared for the image encoder ({@code clip_image.preprocess}).
 *
 * @param size     the square input size S
 * @param resample {@code "bicubic"} or {@code "bilinear"}
 * @param mean     per-channel mean (3 values) subtracted from pixels in [0, 1]
 * @param std      per-channel standard deviation (3 positive values) divided into them
 */
public record ClipPreprocessSpec(
        @JsonProperty("size") Integer size,
        @JsonProperty("resample") String resample,
        @JsonProperty("mean") List<Double> mean,
        @JsonProperty("std") List<Double> std) {
}
