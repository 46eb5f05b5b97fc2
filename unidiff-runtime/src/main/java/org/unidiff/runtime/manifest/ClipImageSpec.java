package org.unidiff.runtime.manifest;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The CLIP-style image embedding ({@code clip_image}).
 *
 * @param dim        embedding width Dc
 * @param preprocess how input images are prepared for the image encoder
 */
public record ClipImageSpec(
        @JsonProperty("dim") Integer dim,
        @JsonProperty("preprocess") ClipPreprocessSpec preprocess) {
}
