package org.unidiff.api;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.unidiff.api.engine.Batch;
import org.unidiff.api.engine.EncodedImage;
import org.unidiff.api.engine.RecipeContext;
import org.unidiff.api.engine.SamplingStage;
import org.unidiff.sampling.plan.GivenValues;
import org.unidiff.sampling.plan.SampleLatents;
import org.unidiff.sampling.plan.SlotLatents;
import org.unidiff.sampling.plan.Stream;
import org.unidiff.sampling.plan.TaskPlan;

/**
 * The two stages that invert images, shared by the inversion and interpolation recipes: stage 0
 * captions every input image into a text latent (one solve over all images of the batch), stage 1
 * runs the text-to-image ODE backwards from each image's latent and CLIP token conditioned on its
 * own caption latent (one solve). Input image i of a request is sample i of both stages; its
 * latent is the VAE mean: a VAE sample would add noise that is no part of the image, and the
 * inversion would carry it into the noise (the seed still draws the caption and marginalized noise).
 *
 * @param texts per request, per input image, the caption latent (slot 0 TEXT)
 * @param clean per request, per input image, the encoded image as a text-to-image state
 * @param noise per request, per input image, the inverted state (slot 0 image latent and CLIP)
 */
record InversionStages(List<List<SampleLatents>> texts, List<List<SampleLatents>> clean,
                       List<List<SampleLatents>> noise) {

    /** The plan every stage after captioning runs: text-to-image with the caption latent given. */
    static TaskPlan generationPlan() {
        return TaskPlan.textToImage();
    }

    /**
     * Inverts the images of every request of the batch.
     *
     * @param images      per request, its input images (at least one)
     * @param refinements fixed-point iterations per inversion step
     * @param stages      the request's stage count (inversion is stages 0 and 1)
     */
    static InversionStages run(Batch<?> batch, RecipeContext context, String task, List<List<BufferedImage>> images,
                               int refinements, int stages) {
        int[] counts = new int[batch.size()];
        List<GivenValues> captionGivens = new ArrayList<>(batch.size());
        List<List<SampleLatents>> clean = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            List<BufferedImage> mine = images.get(r);
            counts[r] = mine.size();
            List<double[]> encoded = new ArrayList<>(mine.size());
            List<SampleLatents> states = new ArrayList<>(mine.size());
            for (int i = 0; i < mine.size(); i++) {
                EncodedImage e = context.encodeImageMean(mine.get(i));
                SlotLatents slot = new SlotLatents(e.latent(), e.clip(), null);
                encoded.add(slot.streamValue(Stream.IMAGE));
                states.add(new SampleLatents(i, List.of(slot)));
            }
            captionGivens.add(GivenValues.builder(context.shape(1)).perSample(0, Stream.IMAGE, encoded).build());
            clean.add(List.copyOf(states));
        }
        List<List<SampleLatents>> texts = context.sample(TaskPlan.imageToText(), 1, batch, captionGivens,
                new SamplingStage(task + ": caption latent", 0, stages), counts);
        List<List<SampleLatents>> noise = context.invert(generationPlan(), 1, batch, textGivens(context, texts),
                new SamplingStage(task + ": inversion", 1, stages), clean, refinements);
        return new InversionStages(texts, clean, noise);
    }

    /** Per request, its caption latents as per-sample TEXT conditions of the generation plan. */
    static List<GivenValues> textGivens(RecipeContext context, List<List<SampleLatents>> texts) {
        List<GivenValues> out = new ArrayList<>(texts.size());
        for (List<SampleLatents> mine : texts) {
            List<double[]> values = new ArrayList<>(mine.size());
            for (SampleLatents s : mine) {
                values.add(s.slot(0).text());
            }
            out.add(GivenValues.builder(context.shape(1)).perSample(0, Stream.TEXT, values).build());
        }
        return out;
    }
}
