package org.unidiff.sampling.plan;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.unidiff.sampling.PredictionType;

/**
 * Test fake of the transformer: records a copy of every call's inputs and outputs and computes
 * outputs deterministically from the inputs of the same (row, slot), so that any difference
 * between two rows' inputs shows in their outputs and the guidance combination can be checked
 * exactly against the recorded outputs.
 */
final class RecordingJointPredictor implements JointPredictor {

    /** One recorded call: copies of every tensor, flat and row-major. */
    record Call(int rows, Map<Part, float[]> inputs, float[] tImg, float[] tText, long[] dataType,
                Map<Part, float[]> outputs) {
    }

    private final List<Call> calls = new ArrayList<>();

    @Override
    public PredictionType predictionType() {
        return PredictionType.EPSILON;
    }

    @Override
    public void predict(JointBatch in, JointOutputs out) {
        if (in.rows() != out.rows()) {
            throw new AssertionError("inputs have " + in.rows() + " rows, outputs " + out.rows());
        }
        JointShape shape = in.shape();
        int slots = in.rows() * shape.groupSize();
        Map<Part, float[]> inputs = new EnumMap<>(Part.class);
        for (Part part : Part.values()) {
            inputs.put(part, NativeBuffers.read(in.buffer(part), 0, slots * part.size(shape)));
        }
        float[] tImg = NativeBuffers.read(in.tImg(), 0, slots);
        float[] tText = NativeBuffers.read(in.tText(), 0, slots);
        long[] dataType = null;
        if (in.hasDataType()) {
            dataType = new long[in.rows()];
            in.dataType().get(0, dataType);
        }
        Map<Part, float[]> outputs = new EnumMap<>(Part.class);
        for (Part part : Part.values()) {
            int size = part.size(shape);
            float[] o = new float[slots * size];
            for (int s = 0; s < slots; s++) {
                // The first value of every part of this (row, slot) mixes the streams, so an output
                // depends on what each stream of its slot was fed, and on both timesteps.
                double mix = 0.3 * inputs.get(Part.IMAGE_LATENT)[s * shape.latentSize()]
                        - 0.2 * inputs.get(Part.CLIP)[s * shape.clipDim()]
                        + 0.1 * inputs.get(Part.TEXT)[s * shape.textSize()]
                        + 0.001 * tImg[s] - 0.002 * tText[s] + 0.07 * (part.ordinal() + 1);
                for (int i = 0; i < size; i++) {
                    o[s * size + i] = (float) (0.5 * inputs.get(part)[s * size + i] + mix + 0.01 * i);
                }
            }
            outputs.put(part, o);
            out.buffer(part).put(0, o);
        }
        calls.add(new Call(in.rows(), inputs, tImg, tText, dataType, outputs));
    }

    /** Every call so far, in order. */
    List<Call> calls() {
        return calls;
    }

    /** The last call. */
    Call last() {
        return calls.get(calls.size() - 1);
    }
}
