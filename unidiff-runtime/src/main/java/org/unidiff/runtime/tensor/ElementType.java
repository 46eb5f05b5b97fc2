package org.unidiff.runtime.tensor;

import ai.onnxruntime.OnnxJavaType;
import java.util.Optional;

/** The tensor element types the bundle contract allows. */
public enum ElementType {
    /** 32-bit float. */
    FLOAT32("float32", 4),
    /** IEEE half precision, converted at the boundary by {@link Float16}. */
    FLOAT16("float16", 2),
    /** 64-bit integer, for token ids and data_type. */
    INT64("int64", 8);

    private final String label;
    private final int bytes;

    ElementType(String label, int bytes) {
        this.label = label;
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** Whether this is a floating type (float32 or float16). */
    public boolean isFloating() {
        return this != INT64;
    }

    /** The contract's element type for an ONNX Runtime type, if it is one of the three. */
    public static Optional<ElementType> of(OnnxJavaType type) {
        switch (type) {
            case FLOAT:
                return Optional.of(FLOAT32);
            case FLOAT16:
                return Optional.of(FLOAT16);
            case INT64:
                return Optional.of(INT64);
            default:
                return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return label;
    }
}
