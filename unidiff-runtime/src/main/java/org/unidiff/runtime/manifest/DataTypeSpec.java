package org.unidiff.runtime.manifest;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Present when the transformer takes a {@code data_type} input ({@code data_type}).
 *
 * @param defaultValue the value fed when the caller gives none (UniDiffuser v1: 1)
 */
public record DataTypeSpec(@JsonProperty("default") Long defaultValue) {
}
