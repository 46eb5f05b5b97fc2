package org.unidiff.sampling.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.unidiff.sampling.noise.NoiseSource;
import org.unidiff.sampling.noise.SeededNoiseSource;
import org.unidiff.sampling.schedule.DiscreteVpSchedule;

/** Bad input to the model, the given values and the batch gets a clear message. */
class GuidedJointModelValidationTest {

    private static final JointShape SHAPE = new JointShape(1, 2, 2, 2, 3, 2, 1);
    private static final DiscreteVpSchedule SCHEDULE = DiscreteVpSchedule.unidiffuser();

    private static GuidedJointModel.Builder t2i() {
        return GuidedJointModel.builder(TaskPlan.textToImage(), SHAPE, SCHEDULE, new RecordingJointPredictor())
                .noise(SeededNoiseSource.streams(1, 2));
    }

    @Test
    void missingAndUnusedValues() {
        assertMessage("reads a given value for slot 0 TEXT", () -> t2i().guidanceScale(7).build());
        assertMessage("never reads it", () -> t2i().givens(GivenValues.builder(SHAPE).text(0, new double[6])
                .image(0, new double[4], new double[2]).build()).build());
        TaskPlan empty = TaskPlan.textToImage(UnconditionalText.EMPTY_PROMPT);
        GivenValues prompt = GivenValues.builder(SHAPE).text(0, new double[6]).build();
        assertMessage("feeds the empty TEXT value", () -> GuidedJointModel.builder(empty, SHAPE, SCHEDULE,
                new RecordingJointPredictor()).guidanceScale(7).givens(prompt).noise(SeededNoiseSource.streams(1, 1)).build());
        // With s = 0 the empty-prompt pass never runs, so its value is not needed.
        GuidedJointModel unguided = GuidedJointModel.builder(empty, SHAPE, SCHEDULE, new RecordingJointPredictor())
                .guidanceScale(0).givens(prompt).noise(SeededNoiseSource.streams(1, 1)).build();
        assertEquals(1, unguided.rowsPerEvaluation());
    }

    @Test
    void perSampleValuesMustMatchTheSampleCount() {
        GivenValues three = GivenValues.builder(SHAPE).perSample(0, Stream.TEXT,
                List.of(new double[6], new double[6], new double[6])).build();
        assertMessage("has 3 per-sample values but there are 2 samples", () -> t2i().givens(three).build());
    }

    @Test
    void valuesAreCheckedAgainstTheShape() {
        GivenValues.Builder b = GivenValues.builder(SHAPE);
        assertMessage("has 5 values, expected 6", () -> b.text(0, new double[5]));
        assertMessage("latent has 3 values, expected C*h*w = 4", () -> b.image(0, new double[3], new double[2]));
        assertMessage("slot 1 is outside the group of 1", () -> b.text(1, new double[6]));
        assertMessage("non-finite value NaN at index 2", () -> b.text(0, new double[] {0, 0, Double.NaN, 0, 0, 0}));
        GivenValues other = GivenValues.builder(SHAPE.withGroupSize(2)).build();
        assertMessage("were made for shape", () -> t2i().givens(other).build());
    }

    @Test
    void modelArguments() {
        assertMessage("guidance scale must be finite and >= 0", () -> t2i().guidanceScale(-1));
        assertMessage("has 1 slots but the shape's group size is 2", () -> GuidedJointModel.builder(
                TaskPlan.textToImage(), SHAPE.withGroupSize(2), SCHEDULE, new RecordingJointPredictor()));
        NoiseSource shared = SeededNoiseSource.of(3);
        assertMessage("share one noise source", () -> t2i().noise(List.of(shared, shared)));
        assertMessage("one noise source per sample", () -> t2i().noise(List.of()));
        GuidedJointModel model = t2i().guidanceScale(7).givens(GivenValues.builder(SHAPE).text(0, new double[6]).build())
                .build();
        assertMessage("state x has 6 values, expected 12", () -> model.predict(new double[6], 0.5, new double[12]));
    }

    @Test
    void nonFiniteTransformerOutputIsReported() {
        JointPredictor nan = new JointPredictor() {
            @Override
            public org.unidiff.sampling.PredictionType predictionType() {
                return org.unidiff.sampling.PredictionType.EPSILON;
            }

            @Override
            public void predict(JointBatch in, JointOutputs out) {
                out.img().put(1, Float.NaN);
            }
        };
        GuidedJointModel model = GuidedJointModel.builder(TaskPlan.imageOnly(), SHAPE, SCHEDULE, nan)
                .noise(SeededNoiseSource.streams(1, 1)).build();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> model.predict(model.initialState(), 0.5, new double[6]));
        assertTrue(e.getMessage().contains("non-finite IMAGE_LATENT value for sample 0, slot 0 at index 1"), e.getMessage());
    }

    private static void assertMessage(String fragment, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should contain '" + fragment + "'");
    }
}
