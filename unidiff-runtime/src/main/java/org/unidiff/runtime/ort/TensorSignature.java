package org.unidiff.runtime.ort;

import ai.onnxruntime.OnnxJavaType;
import java.util.Arrays;
import java.util.Optional;
import org.unidiff.runtime.tensor.ElementType;

/**
 * What a model declares for one of its inputs or outputs.
 *
 * @param name     the tensor's name
 * @param isTensor false for sequences, maps and other non-tensor values (never allowed by the contract)
 * @param type     ONNX Runtime's element type (meaningful only for tensors)
 * @param shape    declared dimensions, -1 for symbolic or unknown ones
 */
public record TensorSignature(String name, boolean isTensor, OnnxJavaType type, long[] shape) {

    /** Copies the shape. */
    public TensorSignature {
        shape = shape.clone();
    }

    /** The declared dimensions (a copy). */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The rank. */
    public int rank() {
        return shape.length;
    }

    /** The declared size of dimension {@code i}, or -1 if symbolic. */
    public long dim(int i) {
        return shape[i];
    }

    /** The contract's element type, empty if the model uses a type the contract does not allow. */
    public Optional<ElementType> elementType() {
        return isTensor ? ElementType.of(type) : Optional.empty();
    }

    /** A short description such as {@code float16[-1, 4, 8, 8]}. */
    public String describe() {
        if (!isTensor) {
            return "a non-tensor value";
        }
        String t = elementType().map(ElementType::toString).orElse(type.toString().toLowerCase(java.util.Locale.ROOT));
        return t + Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSignature other && name.equals(other.name) && isTensor == other.isTensor
                && type == other.type && Arrays.equals(shape, other.shape);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + ": " + describe();
    }
}
