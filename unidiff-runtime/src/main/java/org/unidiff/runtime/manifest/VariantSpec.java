package org.unidiff.runtime.manifest;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Another model file for the same component ({@code components.<key>.variants.<name>}), loaded in
 * place of {@link ComponentSpec#path()} when a user asks for that variant by name, e.g. an int8
 * transformer beside the fp32 one. It obeys the same contract (inputs, outputs, sizes).
 *
 * @param path      the ONNX model, relative to the bundle
 * @param precision informational, as in {@link ComponentSpec}
 */
public record VariantSpec(
        @JsonProperty("path") String path,
        @JsonProperty("precision") String precision) {
}
