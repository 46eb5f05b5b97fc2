package org.unidiff.runtime.manifest;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where one component's files are ({@code components.<key>}).
 *
 * @param path      the ONNX model, relative to the bundle
 * @param precision informational ({@code "fp32"}, {@code "fp16"}, ...); the runtime reads element
 *                  types from the model itself, so this may be null
 * @param tokenizer the tokenizer file relative to the bundle, for the text encoder and decoder; when
 *                  null, {@code tokenizer.json} beside the model
 * @param variants  other model files for this component by variant name (e.g. {@code "int8"});
 *                  empty when the manifest declares none
 */
public record ComponentSpec(
        @JsonProperty("path") String path,
        @JsonProperty("precision") String precision,
        @JsonProperty("tokenizer") String tokenizer,
        @JsonProperty("variants") Map<String, VariantSpec> variants) {

    /** Makes {@code variants} an unmodifiable map, empty when absent. */
    public ComponentSpec {
        variants = variants == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(variants));
    }

    /** A component without variants. */
    public ComponentSpec(String path, String precision, String tokenizer) {
        this(path, precision, tokenizer, null);
    }

    /**
     * This component as loaded for {@code variant}: the variant's file and precision where it is
     * declared, else this spec itself (also for a null variant).
     */
    public ComponentSpec forVariant(String variant) {
        VariantSpec v = variant == null ? null : variants.get(variant);
        return v == null ? this : new ComponentSpec(v.path(), v.precision(), tokenizer, null);
    }

    /** The tokenizer path relative to the bundle: the explicit one, else beside the model. */
    public String tokenizerPath() {
        if (tokenizer != null) {
            return tokenizer;
        }
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "tokenizer.json" : path.substring(0, slash + 1) + "tokenizer.json";
    }
}
