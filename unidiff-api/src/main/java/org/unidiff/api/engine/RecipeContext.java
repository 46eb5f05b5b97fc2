package org.unidiff.api.engine;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unidiff.api.core.GenerationCancelledException;
import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.core.Progress;
import org.unidiff.api.core.RunControl;
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
import org.unidiff.sampling.solver.DdimInversion;
import org.unidiff.sampling.solver.SamplingCancelledException;
import org.unidiff.sampling.solver.Solver;
import org.unidiff.sampling.solver.StepListener;

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
    public org.unidiff.api.core.GenerationParameters parameters(ResolvedOptions options, org.unidiff.api.core.Task task,
                                                          List<String> prompts, org.unidiff.api.core.MarginalRoute route) {
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
     * An input image as its VAE latent mean (no sample noise) and CLIP embedding: what an inversion
     * starts from, since the noise of a VAE sample is detail the regenerated image cannot know.
     */
    public EncodedImage encodeImageMean(BufferedImage image) {
        long t0 = System.nanoTime();
        float[] latent = bundle.vaeEncoder().encodeMean(image);
        float[] clip = bundle.imageEncoder().embed(image);
        hooks.timed(Phase.IMAGE_ENCODERS, System.nanoTime() - t0);
        return new EncodedImage(toDouble(latent), toDouble(clip));
    }

    /**
     * An input image as the scaled mean of its VAE latent distribution (no sampling noise), with an
     * empty CLIP part: how image-only families (in-context) take their frames, as they were trained.
     */
    public EncodedImage encodeLatentMean(BufferedImage image) {
        long t0 = System.nanoTime();
        float[] latent = bundle.vaeEncoder().encodeMean(image);
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
        int[] outputs = new int[batch.size()];
        for (int r = 0; r < batch.size(); r++) {
            outputs[r] = batch.options(r).outputs();
        }
        return solve(plan, groupSize, batch, givens, stage, outputs, null, -1);
    }

    /**
     * {@link #sample(TaskPlan, int, Batch, List, SamplingStage)} with {@code samples[r]} samples for
     * request r instead of its output count (a stage that works on a request's inputs, such as the two
     * images of an interpolation). Sample n of request r draws stream n of the request's stage seed.
     */
    public List<List<SampleLatents>> sample(TaskPlan plan, int groupSize, Batch<?> batch, List<GivenValues> givens,
                                            SamplingStage stage, int[] samples) {
        if (samples.length != batch.size()) {
            throw new IllegalArgumentException("one sample count per request: " + batch.size() + " requests, "
                    + samples.length + " counts");
        }
        return solve(plan, groupSize, batch, givens, stage, samples.clone(), null, -1);
    }

    /**
     * One solve that starts from given states instead of fresh noise: per request, one start per
     * sample (its number is the request's sample count in this stage), holding every part the plan
     * generates. Noise order stays that of a fresh solve: each sample's stream still draws its whole
     * initial state first (the draw is discarded), so the noise any pass draws later (a marginalized
     * text) is the same numbers a fresh solve would see.
     *
     * @param starts per request, per sample, the state at the grid's first (noisy) time
     */
    public List<List<SampleLatents>> sampleFrom(TaskPlan plan, int groupSize, Batch<?> batch,
                                                List<GivenValues> givens, SamplingStage stage,
                                                List<List<SampleLatents>> starts) {
        return solve(plan, groupSize, batch, givens, stage, counts(batch, starts), starts, -1);
    }

    /**
     * The deterministic ODE run backwards ({@link DdimInversion} on the grid the request's solver
     * uses) from given clean states to the noise at the grid's first time, as one solve over all
     * samples of the batch. Generating with {@code ddim} from the result returns the start to
     * solver precision when {@code refinements} is a few and the plan draws no noise (guidance 0, or
     * no marginalized stream); other solvers follow the same ODE and return it approximately.
     *
     * @param clean       per request, per sample, the clean state (every part the plan generates)
     * @param refinements fixed-point iterations per step (see {@link DdimInversion})
     * @return per request, per sample, the noise
     */
    public List<List<SampleLatents>> invert(TaskPlan plan, int groupSize, Batch<?> batch, List<GivenValues> givens,
                                            SamplingStage stage, List<List<SampleLatents>> clean, int refinements) {
        if (refinements < 0 || refinements > DdimInversion.MAX_REFINEMENTS) {
            throw new IllegalArgumentException("refinements must be 0.." + DdimInversion.MAX_REFINEMENTS + ", got "
                    + refinements);
        }
        return solve(plan, groupSize, batch, givens, stage, counts(batch, clean), clean, refinements);
    }

    private static int[] counts(Batch<?> batch, List<List<SampleLatents>> states) {
        if (states.size() != batch.size()) {
            throw new IllegalArgumentException("one list of states per request: " + batch.size() + " requests, "
                    + states.size() + " lists");
        }
        int[] counts = new int[states.size()];
        for (int r = 0; r < counts.length; r++) {
            counts[r] = states.get(r).size();
            if (counts[r] < 1) {
                throw new IllegalArgumentException("request " + r + " has no state; expected at least one");
            }
        }
        return counts;
    }

    /**
     * The one solve every public sampling method runs.
     *
     * @param starts      null: fresh noise; else the states to start from (or to invert)
     * @param refinements below 0: a forward solve; else an inversion with that many refinements
     */
    private List<List<SampleLatents>> solve(TaskPlan plan, int groupSize, Batch<?> batch, List<GivenValues> givens,
                                            SamplingStage stage, int[] outputs, List<List<SampleLatents>> starts,
                                            int refinements) {
        if (givens.size() != batch.size()) {
            throw new IllegalArgumentException("one set of given values per request: " + batch.size()
                    + " requests, " + givens.size() + " sets");
        }
        JointShape shape = shape(groupSize);
        ResolvedOptions first = batch.options(0);
        int total = 0;
        for (int n : outputs) {
            total += n;
        }
        if (total > Engine.MAX_OUTPUTS_PER_SOLVE) {
            // The engine cuts batches at this many outputs; a stage on inputs must stay within it too.
            throw new IllegalArgumentException("a solve of " + total + " samples exceeds the bound of "
                    + Engine.MAX_OUTPUTS_PER_SOLVE + " per solve");
        }
        List<NoiseSource> noise = new ArrayList<>(total);
        List<Integer> perRequest = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            ResolvedOptions o = batch.options(r);
            noise.addAll(hooks.samplingNoise(stage, SeedRules.stageSeed(o.seed(), stage.index()), outputs[r]));
            perRequest.add(outputs[r]);
        }
        GuidedJointModel.Builder builder = GuidedJointModel.builder(plan, shape, schedule,
                        hooks.transformer(bundle.transformer()))
                .guidanceScale(first.guidance())
                .givens(GivenValuesMerge.merge(shape, givens, perRequest))
                .noise(noise);
        if (first.dataType() != null) {
            builder.dataType(first.dataType());
        }
        GuidedJointModel model = builder.build();
        Solver solver = SolverChoice.solver(bundle.manifest(), schedule, first);
        DdimInversion inversion = refinements < 0 ? null : DdimInversion.of(schedule, solver.grid(), refinements);
        LOG.debug("{}: {} with {}, {} requests, {} samples, {} rows per evaluation", stage.name(), plan.name(),
                inversion == null ? solver.describe() : "ddim inversion (" + refinements + " refinements)",
                batch.size(), total, model.rowsPerEvaluation());
        int evaluations = inversion == null ? solver.evaluations() : inversion.evaluations();
        long t0 = System.nanoTime();
        double[] end;
        try {
            double[] start = model.initialState();
            if (starts != null) {
                List<SampleLatents> flat = new ArrayList<>(total);
                for (List<SampleLatents> mine : starts) {
                    flat.addAll(mine);
                }
                start = model.state(flat);
            }
            StepListener listener = event -> {
                if (control.cancellation().isCancelled()) {
                    return false;
                }
                control.progress().onProgress(new Progress(stage.name(), event.evaluation(),
                        event.totalEvaluations(), stage.index(), stage.count()));
                return true;
            };
            end = inversion == null ? solver.sample(model, start, listener) : inversion.invert(model, start, listener);
        } catch (SamplingCancelledException e) {
            throw new GenerationCancelledException(stage.name() + ": cancelled before model evaluation "
                    + e.evaluation() + " of " + evaluations);
        }
        hooks.timed(Phase.SAMPLING, System.nanoTime() - t0);
        List<SampleLatents> all = model.split(end);
        List<List<SampleLatents>> result = new ArrayList<>(batch.size());
        int from = 0;
        for (int n : outputs) {
            List<SampleLatents> mine = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                SampleLatents s = all.get(from + i);
                mine.add(new SampleLatents(i, s.slots()));
            }
            from += n;
            hooks.sampled(stage, mine);
            result.add(List.copyOf(mine));
        }
        return result;
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
