package org.unidiff.bench.incontext;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.unidiff.api.ImageResult;
import org.unidiff.api.InContextRequest;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.core.Task;
import org.unidiff.api.engine.Batch;
import org.unidiff.api.engine.EncodedImage;
import org.unidiff.api.engine.Recipe;
import org.unidiff.api.engine.RecipeContext;
import org.unidiff.api.engine.SamplingStage;
import org.unidiff.sampling.plan.GivenValues;
import org.unidiff.sampling.plan.Pass;
import org.unidiff.sampling.plan.Role;
import org.unidiff.sampling.plan.SampleLatents;
import org.unidiff.sampling.plan.TaskPlan;

/**
 * The benchmark's "no examples" baseline (k = 0): the in-context plan's unconditional pass alone,
 * every example frame replaced by noise at the noise time, the query given. It is a recipe of
 * the public engine written outside the library, which is what recipes are for; guidance does
 * not apply (one pass).
 */
final class ExamplesDroppedRecipe implements Recipe<InContextRequest, ImageResult> {

    @Override
    public Task task() {
        return Task.IN_CONTEXT;
    }

    @Override
    public org.unidiff.runtime.manifest.BundleFamily family() {
        return org.unidiff.runtime.manifest.BundleFamily.IN_CONTEXT;
    }

    @Override
    public SamplingOptions options(InContextRequest request) {
        return request.options();
    }

    @Override
    public List<?> batchKey(InContextRequest request) {
        return List.of(request.examples().size());
    }

    @Override
    public List<ImageResult> run(Batch<InContextRequest> batch, RecipeContext context) {
        int k = batch.request(0).examples().size();
        int frames = 2 * k + 2;
        Role[] image = new Role[frames];
        Role[] text = new Role[frames];
        Arrays.fill(image, Role.MARGINALIZE);
        Arrays.fill(text, Role.MARGINALIZE);
        image[frames - 2] = Role.CONDITION;
        image[frames - 1] = Role.GENERATE;
        TaskPlan plan = TaskPlan.of("in-context, examples dropped", List.of(Pass.of("examples dropped", image, text)),
                List.of());
        List<GivenValues> givens = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            EncodedImage query = context.encodeLatentMean(batch.request(r).query());
            givens.add(GivenValues.builder(context.shape(frames)).image(frames - 2, query.latent(), query.clip())
                    .build());
        }
        List<List<SampleLatents>> out = context.sample(plan, frames, batch, givens,
                SamplingStage.only("in-context, examples dropped"));
        List<ImageResult> results = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            results.add(new ImageResult(context.decodeImages(out.get(r), frames - 1),
                    batch.options(r).parameters(task(), context.modelName(), List.of())));
        }
        return results;
    }
}
