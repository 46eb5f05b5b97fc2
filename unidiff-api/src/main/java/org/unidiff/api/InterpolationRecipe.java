package org.unidiff.api;

import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.core.Task;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.unidiff.api.engine.Batch;
import org.unidiff.api.engine.Recipe;
import org.unidiff.api.engine.RecipeContext;
import org.unidiff.api.engine.SamplingStage;
import org.unidiff.sampling.plan.GivenValues;
import org.unidiff.sampling.plan.SampleLatents;
import org.unidiff.sampling.plan.SlotLatents;
import org.unidiff.sampling.plan.Stream;

/**
 * Interpolation: both images inverted (stages 0 and 1, two samples per request), then every frame
 * generated from its blend in one solve (stage 2, one sample per frame, frame k drawing stream k).
 */
final class InterpolationRecipe implements Recipe<InterpolationRequest, InterpolationResult> {

    private static final int STAGES = 3;

    @Override
    public Task task() {
        return Task.INTERPOLATION;
    }

    @Override
    public SamplingOptions options(InterpolationRequest request) {
        return request.options();
    }

    @Override
    public List<?> batchKey(InterpolationRequest request) {
        return List.of(request.refinements());
    }

    @Override
    public List<InterpolationResult> run(Batch<InterpolationRequest> batch, RecipeContext context) {
        List<List<BufferedImage>> images = new ArrayList<>(batch.size());
        for (InterpolationRequest q : batch.requests()) {
            images.add(List.of(q.first(), q.last()));
        }
        InversionStages inverted = InversionStages.run(batch, context, Task.INTERPOLATION_ID, images,
                batch.request(0).refinements(), STAGES);
        List<GivenValues> givens = new ArrayList<>(batch.size());
        List<List<SampleLatents>> starts = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            int frames = batch.request(r).frames();
            SlotLatents a = inverted.noise().get(r).get(0).slot(0);
            SlotLatents b = inverted.noise().get(r).get(1).slot(0);
            double[] noiseA = a.streamValue(Stream.IMAGE);
            double[] noiseB = b.streamValue(Stream.IMAGE);
            double[] textA = inverted.texts().get(r).get(0).slot(0).text();
            double[] textB = inverted.texts().get(r).get(1).slot(0).text();
            int latent = a.imageLatent().length;
            List<double[]> texts = new ArrayList<>(frames);
            List<SampleLatents> mine = new ArrayList<>(frames);
            for (int k = 0; k < frames; k++) {
                double u = (double) k / (frames - 1);
                double[] z = Blend.slerp(noiseA, noiseB, u);
                double[] image = java.util.Arrays.copyOfRange(z, 0, latent);
                double[] clip = java.util.Arrays.copyOfRange(z, latent, z.length);
                mine.add(new SampleLatents(k, List.of(new SlotLatents(image, clip, null))));
                texts.add(Blend.lerp(textA, textB, u));
            }
            starts.add(List.copyOf(mine));
            givens.add(GivenValues.builder(context.shape(1)).perSample(0, Stream.TEXT, texts).build());
        }
        List<List<SampleLatents>> out = context.sampleFrom(InversionStages.generationPlan(), 1, batch, givens,
                new SamplingStage("interpolation: frames", 2, STAGES), starts);
        List<InterpolationResult> results = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            results.add(new InterpolationResult(context.decodeImages(out.get(r), 0),
                    context.decodeTexts(inverted.texts().get(r)),
                    batch.options(r).parameters(task(), context.modelName(), List.of())));
        }
        return results;
    }
}
