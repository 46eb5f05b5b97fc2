/**
 * Model bundles: loading, checking against the bundle contract, and the six components.
 *
 * <p>{@link org.unidiff.runtime.Bundle#load} reads {@code unidiff.json}, resolves every declared file
 * inside the bundle, opens each ONNX model with ONNX Runtime and checks its inputs and outputs against
 * {@link org.unidiff.runtime.ComponentContract}. Any breach is one {@link org.unidiff.runtime.BundleException}
 * naming the bundle, component, field, expected and found values, and nothing stays open after it.
 */
package org.unidiff.runtime;
