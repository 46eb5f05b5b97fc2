package org.unidiff.runtime.manifest;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The pixel size of the images the VAE works on ({@code image} in the manifest).
 *
 * @param height image height in pixels
 * @param width  image width in pixels
 */
public record ImageSpec(@JsonProperty("height") Integer height, @JsonProperty("width") Integer width) {
}
