package org.unidiff.api;

import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.core.Task;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.unidiff.api.engine.Batch;
import org.unidiff.api.engine.Recipe;
import org.unidiff.api.engine.RecipeContext;
import org.unidiff.api.engine.SamplingStage;
import org.unidiff.sampling.plan.SampleLatents;
import org.unidiff.sampling.plan.SlotLatents;

/** Inversion: caption latent, the ODE backwards, and optionally the regeneration from the noise. */
final class InversionRecipe implements Recipe<InversionRequest, InversionResult> {

    @Override
    public Task task() {
        return Task.INVERSION;
    }

    @Override
    public SamplingOptions options(InversionRequest request) {
        return request.options();
    }

    @Override
    public List<?> batchKey(InversionRequest request) {
        return List.of(request.refinements(), request.regenerate());
    }

    @Override
    public List<InversionResult> run(Batch<InversionRequest> batch, RecipeContext context) {
        boolean regenerate = batch.request(0).regenerate();
        int stages = regenerate ? 3 : 2;
        List<List<BufferedImage>> images = new ArrayList<>(batch.size());
        for (InversionRequest q : batch.requests()) {
            images.add(List.of(q.image()));
        }
        InversionStages inverted = InversionStages.run(batch, context, Task.INVERSION.id(), images,
                batch.request(0).refinements(), stages);
        List<List<SampleLatents>> back = null;
        if (regenerate) {
            back = context.sampleFrom(InversionStages.generationPlan(), 1, batch,
                    InversionStages.textGivens(context, inverted.texts()),
                    new SamplingStage("inversion: regeneration", 2, stages), inverted.noise());
        }
        List<InversionResult> results = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            SlotLatents noise = inverted.noise().get(r).get(0).slot(0);
            double[] start = inverted.clean().get(r).get(0).slot(0).imageLatent();
            Optional<BufferedImage> image = Optional.empty();
            double error = Double.NaN;
            if (back != null) {
                image = Optional.of(context.decodeImages(back.get(r), 0).get(0));
                error = relativeError(back.get(r).get(0).slot(0).imageLatent(), start);
            }
            results.add(new InversionResult(noise.imageLatent(), noise.clip(),
                    inverted.texts().get(r).get(0).slot(0).text(), start, image, error,
                    batch.options(r).parameters(task(), context.modelName(), List.of())));
        }
        return results;
    }

    /** {@code ||a - b|| / ||b||}. */
    static double relativeError(double[] a, double[] b) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < b.length; i++) {
            diff += (a[i] - b[i]) * (a[i] - b[i]);
            norm += b[i] * b[i];
        }
        return Math.sqrt(diff / norm);
    }
}
