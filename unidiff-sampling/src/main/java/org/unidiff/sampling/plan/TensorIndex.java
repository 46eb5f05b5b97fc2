package org.unidiff.sampling.plan;

import java.util.Objects;

/** Row-major indexing shared by {@link JointBatch} and {@link JointOutputs}. */
final class TensorIndex {

    private TensorIndex() {
    }

    static int slotIndex(JointShape shape, int rows, int row, int slot) {
        Objects.checkIndex(row, rows);
        Objects.checkIndex(slot, shape.groupSize());
        return row * shape.groupSize() + slot;
    }

    static int offset(JointShape shape, int rows, Part part, int row, int slot) {
        return slotIndex(shape, rows, row, slot) * part.size(shape);
    }

    static long[] tensorShape(JointShape shape, int rows, Part part) {
        switch (part) {
            case IMAGE_LATENT:
                return new long[] {rows, shape.groupSize(), shape.latentChannels(), shape.latentHeight(), shape.latentWidth()};
            case CLIP:
                return new long[] {rows, shape.groupSize(), 1, shape.clipDim()};
            default:
                return new long[] {rows, shape.groupSize(), shape.textTokens(), shape.textDim()};
        }
    }
}
