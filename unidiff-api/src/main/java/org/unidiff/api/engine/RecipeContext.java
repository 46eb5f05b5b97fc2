package org.unidiff.api.engine;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unidiff.api.GenerationCancelledException;
import org.unidiff.api.InvalidRequestException;
import org.unidiff.api.Progress;
import org.unidiff.api.RunControl;
import org.unidiff.runtime.Bundle;
import org.unidiff.runtime.image.ImageTensors;
import org.unidiff.runtime.manifest.BundleManifest;
import org.unidiff.sampling.noise.NoiseSource;
import org.unidiff.sampling.plan.GivenValues;
import org.unidiff.sampling.plan.GuidedJointModel;
import org.unidiff.sampling.plan.JointShape;
import org.unidiff.sampling.plan.SampleLatents;
import org.unidiff.sampling.plan.TaskPlan;
import org.unidiff.sampling.schedule.NoiseSchedule;
import org.unidiff.sampling.solver.SamplingCancelledException;
import org.unidiff.sampling.solver.Solver;

/**
 * What a {@link Recipe} may call while it runs one batch: encode conditions, solve a plan over
 * the outputs of every request of the batch, decode. Made by the {@link Engine} for one batch of
 * one call and bound to that call's {@link RunControl}; not shared between threads.
 */
public final class RecipeContext {

    private static final Logger LOG = LoggerFactory.getLogger(RecipeContext.class);

    private final Bundle bundle;
    private final NoiseSchedule schedule;
    private final EngineHooks hooks;
    private final RunControl control;
    private final int batchSize;

    RecipeContext(Bundle bundle, NoiseSchedule schedule, EngineHooks hooks, RunControl control, int batchSize) {
        this.bundle = bundle;
        this.schedule = schedule;
        this.hooks = hooks;
        this.control = control;
        this.batchSize = batchSize;
    }

    /**
     * The parameters record of one result, with the words of its prompts the model does not know.
     *
     * @param route the route of image-only and joint, null for other tasks
     */
    public org.unidiff.api.GenerationParameters parameters(ResolvedOptions options, org.unidiff.api.Task task,
                                                          List<String> prompts, org.unidiff.api.MarginalRoute route) {
        List<String> unknown = new ArrayList<>();
        if (!prompts.isEmpty() && bundle.manifest().bundleFamily().hasText()) {
            for (String p : prompts) {
                for (String w : bundle.textEncoder().unknownWords(p)) {
                    if (!unknown.contains(w)) {
                        unknown.add(w);
                    }
                }
            }
        }
        return options.parameters(task, modelName(), prompts, route).withUnknownWords(unknown);
    }

    /** The model's manifest. */
    public BundleManifest manifest() {
        return bundle.manifest();
    }

    /** The model's name, for results and messages. */
    public String modelName() {
        return bundle.manifest().name();
    }

    /** The largest group the model takes. */
    public int maxGroupSize() {
        return bundle.manifest().group().maxSize();
    }

    /** The transformer's tensor sizes for a group of {@code groupSize}. */
    public JointShape shape(int groupSize) {
        return bundle.transformer().shape(groupSize);
    }

    /**
     * The name of a request field in messages: the field itself for a single request,
     * {@code requests[i].field} in a batch.
     */
    public String field(int request, String field) {
        return batchSize == 1 ? field : "requests[" + request + "]." + field;
    }

    /** Refuses prompts longer than the model's context; no model work. */
    public void checkPrompt(String field, String prompt) {
        int room = bundle.textEncoder().contentCapacity();
        int tokens = bundle.textEncoder().contentTokens(prompt);
        if (tokens > room) {
            throw new InvalidRequestException(field, "at most " + room + " tokens for model '" + modelName() + "'",
                    prompt + " (" + tokens + " tokens)");
        }
    }

    /** The text latent of a prompt (L*Dt), refusing prompts longer than the model's context. */
    public double[] promptLatent(String field, String prompt) {
        checkPrompt(field, prompt);
        long t0 = System.nanoTime();
        double[] latent = toDouble(bundle.textEncoder().encode(List.of(prompt)));
        hooks.timed(Phase.TEXT_ENCODER, System.nanoTime() - t0);
        return latent;
    }

    /**
     * An input image as latent (sampled as the reference does, with the noise of
     * {@link SeedRules#imageEncodingSeed(long, int)}) and CLIP embedding.
     *
     * @param requestSeed the request's seed
     * @param imageIndex  which input image of the request this is, from 0
     */
    public EncodedImage encodeImage(BufferedImage image, long requestSeed, int imageIndex) {
        long t0 = System.nanoTime();
        NoiseSource noise = hooks.imageEncodingNoise(SeedRules.imageEncodingSeed(requestSeed, imageIndex));
        float[] latent = bundle.vaeEncoder().encodeSample(noise, image);
        float[] clip = bundle.imageEncoder().embed(image);
        hooks.timed(Phase.IMAGE_ENCODERS, System.nanoTime() - t0);
        return new EncodedImage(toDouble(latent), toDouble(clip));
    }

    /**
     * An input image as VAE latent only (image-only families have no CLIP encoder), sampled with
     * the noise of {@link SeedRules#imageEncodingSeed(long, int)}; its CLIP part is empty.
     */
    public EncodedImage encodeLatent(BufferedImage image, long requestSeed, int imageIndex) {
        long t0 = System.nanoTime();
        NoiseSource noise = hooks.imageEncodingNoise(SeedRules.imageEncodingSeed(requestSeed, imageIndex));
        float[] latent = bundle.vaeEncoder().encodeSample(noise, image);
        hooks.timed(Phase.IMAGE_ENCODERS, System.nanoTime() - t0);
        return new EncodedImage(toDouble(latent), new double[0]);
    }

    /** The pixels the VAE saw for an input (cropped and resized). */
    public BufferedImage asModelSees(BufferedImage image) {
        int w = manifest().image().width();
        int h = manifest().image().height();
        return ImageTensors.fromSigned(ImageTensors.vaeInput(image, w, h), 0, w, h);
    }

    /**
     * Runs one plan over the outputs of every request of the batch as one solve: one transformer
     * call per model evaluation holds the rows of all of them. Sample n of request r draws only
     * from its own noise stream, so each request's latents equal what it would get alone.
     *
     * @param givens one set of given values per request (shared by its outputs or one per output)
     * @return per request, its outputs' final latents
     */
    public List<List<SampleLatents>> sample(TaskPlan plan, int groupSize, Batch<?> batch, List<GivenValues> givens,
                                            SamplingStage stage) {
        if (givens.size() != batch.size()) {
            throw new IllegalArgumentException("one set of given values per request: " + batch.size()
                    + " requests, " + givens.size() + " sets");
        }
        JointShape shape = shape(groupSize);
        ResolvedOptions first = batch.options(0);
        List<NoiseSource> noise = new ArrayList<>(batch.totalOutputs());
        List<Integer> outputs = new ArrayList<>(batch.size());
        for (ResolvedOptions o : batch.options()) {
            noise.addAll(hooks.samplingNoise(stage, SeedRules.stageSeed(o.seed(), stage.index()), o.outputs()));
            outputs.add(o.outputs());
        }
        GuidedJointModel.Builder builder = GuidedJointModel.builder(plan, shape, schedule,
                        hooks.transformer(bundle.transformer()))
                .guidanceScale(first.guidance())
                .givens(GivenValuesMerge.merge(shape, givens, outputs))
                .noise(noise);
        if (first.dataType() != null) {
            builder.dataType(first.dataType());
        }
        GuidedJointModel model = builder.build();
        Solver solver = SolverChoice.solver(bundle.manifest(), schedule, first);
        LOG.debug("{}: {} with {}, {} requests, {} outputs, {} rows per evaluation", stage.name(), plan.name(),
                solver.describe(), batch.size(), batch.totalOutputs(), model.rowsPerEvaluation());
        long t0 = System.nanoTime();
        double[] end;
        try {
            end = solver.sample(model, model.initialState(), event -> {
                if (control.cancellation().isCancelled()) {
                    return false;
                }
                control.progress().onProgress(new Progress(stage.name(), event.evaluation(),
                        event.totalEvaluations(), stage.index(), stage.count()));
                return true;
            });
        } catch (SamplingCancelledException e) {
            throw new GenerationCancelledException(stage.name() + ": cancelled before model evaluation "
                    + e.evaluation() + " of " + solver.evaluations());
        }
        hooks.timed(Phase.SAMPLING, System.nanoTime() - t0);
        List<SampleLatents> all = model.split(end);
        List<List<SampleLatents>> perRequest = new ArrayList<>(batch.size());
        int from = 0;
        for (int n : outputs) {
            List<SampleLatents> mine = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                SampleLatents s = all.get(from + i);
                mine.add(new SampleLatents(i, s.slots()));
            }
            from += n;
            hooks.sampled(stage, mine);
            perRequest.add(List.copyOf(mine));
        }
        return perRequest;
    }

    /** Decodes the image of one slot of every sample. */
    public List<BufferedImage> decodeImages(List<SampleLatents> samples, int slot) {
        long t0 = System.nanoTime();
        int size = samples.get(0).slot(slot).imageLatent().length;
        float[] latents = new float[samples.size() * size];
        for (int i = 0; i < samples.size(); i++) {
            copyInto(samples.get(i).slot(slot).imageLatent(), latents, i * size);
        }
        List<BufferedImage> images = List.of(bundle.vaeDecoder().decodeImages(latents, samples.size()));
        hooks.timed(Phase.VAE_DECODER, System.nanoTime() - t0);
        return images;
    }

    /** Decodes the caption of slot 0 of every sample with the manifest's beam search. */
    public List<String> decodeTexts(List<SampleLatents> samples) {
        long t0 = System.nanoTime();
        List<String> out = new ArrayList<>(samples.size());
        for (SampleLatents s : samples) {
            double[] text = s.slot(0).text();
            float[] f = new float[text.length];
            copyInto(text, f, 0);
            out.add(bundle.textDecoder().caption(f));
        }
        hooks.timed(Phase.TEXT_DECODER, System.nanoTime() - t0);
        return out;
    }

    static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static void copyInto(double[] from, float[] to, int offset) {
        for (int i = 0; i < from.length; i++) {
            to[offset + i] = (float) from[i];
        }
    }
}
