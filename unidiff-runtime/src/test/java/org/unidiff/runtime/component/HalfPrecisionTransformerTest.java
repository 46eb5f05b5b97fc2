package org.unidiff.runtime.component;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unidiff.runtime.Bundle;
import org.unidiff.runtime.ComponentKind;
import org.unidiff.runtime.Fixtures;
import org.unidiff.runtime.ort.ExecutionConfig;
import org.unidiff.runtime.tensor.ElementType;
import org.unidiff.runtime.tensor.Float16;
import org.unidiff.sampling.plan.JointBatch;
import org.unidiff.sampling.plan.JointOutputs;
import org.unidiff.sampling.plan.JointShape;

/**
 * The fixture transformer exported with float16 inputs and outputs: the adapter converts the
 * batch's float32 buffers to half, the model computes in float32 between casts, and the outputs
 * come back converted. Java float arithmetic is IEEE like the model's, so the expected values,
 * rounded at the same places, match exactly.
 */
class HalfPrecisionTransformerTest {

    @Test
    void float16TransformerMatchesTheSameArithmeticRoundedToHalf(@TempDir Path temp) throws IOException {
        Path bundleDir = Fixtures.copyTinyBundle(temp);
        Files.copy(Fixtures.resource("/bundles/variants/transformer_fp16.onnx"),
                bundleDir.resolve("transformer/model.onnx"), StandardCopyOption.REPLACE_EXISTING);
        try (Bundle bundle = Bundle.load(bundleDir, ExecutionConfig.cpu(), Set.of(ComponentKind.TRANSFORMER))) {
            assertEquals(ElementType.FLOAT16, bundle.session(ComponentKind.TRANSFORMER).orElseThrow()
                    .inputs().get("img").elementType().orElseThrow());
            JointShape shape = bundle.transformer().shape(1);
            int rows = 2;
            JointBatch in = JointBatch.allocate(shape, rows, true);
            JointOutputs out = JointOutputs.allocate(shape, rows);
            SplittableRandom random = new SplittableRandom(2);
            for (int i = 0; i < in.img().capacity(); i++) {
                in.img().put(i, (float) random.nextDouble(-3, 3));
            }
            for (int i = 0; i < in.clipImg().capacity(); i++) {
                in.clipImg().put(i, (float) random.nextDouble(-3, 3));
            }
            for (int i = 0; i < in.text().capacity(); i++) {
                in.text().put(i, (float) random.nextDouble(-3, 3));
            }
            in.tImg().put(0, 999.5f).put(1, 0.25f);
            in.tText().put(0, 12.3f).put(1, 1000f);
            in.dataType().put(0, 1).put(1, 0);
            bundle.transformer().predict(in, out);

            int latent = shape.latentSize();
            for (int r = 0; r < rows; r++) {
                float tImg = half(in.tImg().get(r));
                float tText = half(in.tText().get(r));
                for (int k = 0; k < latent; k++) {
                    float img = half(in.img().get(r * latent + k));
                    assertEquals(half(img * 0.5f + tImg * 0.001f), out.img().get(r * latent + k), 0f);
                }
                for (int k = 0; k < shape.clipDim(); k++) {
                    float clip = half(in.clipImg().get(r * shape.clipDim() + k));
                    assertEquals(half(clip * 2f + in.dataType().get(r)), out.clipImg().get(r * shape.clipDim() + k), 0f);
                }
                for (int k = 0; k < shape.textSize(); k++) {
                    float text = half(in.text().get(r * shape.textSize() + k));
                    assertEquals(half(text - tText * 0.01f), out.text().get(r * shape.textSize() + k), 0f);
                }
            }
        }
    }

    private static float half(float v) {
        return Float16.toFloat(Float16.fromFloat(v));
    }
}
