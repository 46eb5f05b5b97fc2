package org.unidiff.runtime.manifest;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Group attention ({@code group}).
 *
 * @param maxSize the largest group G the transformer was trained for; 1 means no group attention
 */
public record GroupSpec(@JsonProperty("max_size") Integer maxSize) {
}
