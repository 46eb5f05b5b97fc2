package org.unidiff.api;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unidiff.runtime.Bundle;
import org.unidiff.runtime.manifest.BundleManifest;
import org.unidiff.sampling.noise.NoiseSource;
import org.unidiff.sampling.noise.SeededNoiseSource;
import org.unidiff.sampling.plan.GivenValues;
import org.unidiff.sampling.plan.GuidedJointModel;
import org.unidiff.sampling.plan.JointShape;
import org.unidiff.sampling.plan.SampleLatents;
import org.unidiff.sampling.plan.TaskPlan;
import org.unidiff.sampling.schedule.NoiseSchedule;
import org.unidiff.sampling.solver.SamplerKind;
import org.unidiff.sampling.solver.SamplingCancelledException;
import org.unidiff.sampling.solver.Solver;
import org.unidiff.sampling.solver.Solvers;

/**
 * The task layer between the facade and the components: resolves options, encodes
 * conditions, runs a plan through a solver, decodes results. Stateless apart from the bundle,
 * so one engine serves concurrent requests (each component serializes its own session calls).
 *
 * <h2>Noise</h2>
 * Output i of stage k draws from stream i of seed {@code stageSeed(seed, k)} (stage 0 uses the
 * request seed itself), so outputs do not depend on how many were asked for. Sampling the VAE
 * latent of an input image uses its own stream, {@link #imageEncodingNoise(long)}. Both come
 * from {@link SamplingHooks}, seeded unless a test substitutes recorded noise.
 */
final class Engine {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    private static final long STAGE_MIX = 0x9E3779B97F4A7C15L;
    private static final long IMAGE_MIX = 0xC2B2AE3D27D4EB4FL;

    /**
     * Where the noise of sampling and of image encoding comes from, and a look at each stage's
     * final latents. The default is {@link #SEEDED}; the golden parity test replays the noise a
     * Python reference recorded and compares the latents.
     */
    interface SamplingHooks {

        /** One source per output for a sampling stage, given the stage's derived seed. */
        List<NoiseSource> samplingNoise(Stage stage, long stageSeed, int outputs);

        /** The source of one input image's VAE sample. */
        NoiseSource imageEncodingNoise(long seed);

        /** Told every stage's final latents, before they are decoded. */
        default void sampled(Stage stage, List<SampleLatents> latents) {
        }
    }

    /** Seeded streams: {@code SeededNoiseSource.streams(stageSeed, outputs)}, images {@code seed ^ IMAGE_MIX}. */
    static final SamplingHooks SEEDED = new SamplingHooks() {
        @Override
        public List<NoiseSource> samplingNoise(Stage stage, long stageSeed, int outputs) {
            return SeededNoiseSource.streams(stageSeed, outputs);
        }

        @Override
        public NoiseSource imageEncodingNoise(long seed) {
            return SeededNoiseSource.of(seed ^ IMAGE_MIX);
        }
    };

    private final Bundle bundle;
    private final BundleManifest manifest;
    private final NoiseSchedule schedule;
    private final SamplingHooks hooks;

    Engine(Bundle bundle) {
        this(bundle, SEEDED);
    }

    Engine(Bundle bundle, SamplingHooks hooks) {
        this.bundle = bundle;
        this.manifest = bundle.manifest();
        this.schedule = manifest.schedule().toNoiseSchedule();
        this.hooks = Objects.requireNonNull(hooks, "hooks");
    }

    BundleManifest manifest() {
        return manifest;
    }

    String modelName() {
        return manifest.name();
    }

    int maxGroupSize() {
        return manifest.group().maxSize();
    }

    /** Fills bundle defaults into the request's options and checks them against the bundle. */
    ResolvedOptions resolve(SamplingOptions o) {
        SamplerKind sampler;
        String name = o.sampler() != null ? o.sampler() : manifest.defaults().sampler();
        try {
            sampler = SamplerKind.parse(name);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("sampler", "one of " + SamplerKind.validNames(), name);
        }
        int steps = o.steps() != null ? o.steps() : manifest.defaults().steps();
        double guidance = o.guidanceScale() != null ? o.guidanceScale() : manifest.defaults().guidanceScale();
        Long dataType = null;
        if (manifest.dataTypeDefault().isPresent()) {
            dataType = o.dataType() != null ? o.dataType().longValue() : manifest.dataTypeDefault().get();
        } else if (o.dataType() != null) {
            throw new InvalidRequestException("dataType", "unset: model '" + manifest.name()
                    + "' takes no data_type input", o.dataType());
        }
        return new ResolvedOptions(o.seed(), steps, sampler, guidance, o.outputs(), dataType);
    }

    /** The transformer's tensor sizes for a group of {@code groupSize}. */
    JointShape shape(int groupSize) {
        return bundle.transformer().shape(groupSize);
    }

    /** The text latent of a prompt (L*Dt), refusing prompts longer than the model's context. */
    double[] promptLatent(String field, String prompt) {
        int room = bundle.textEncoder().contentCapacity();
        int tokens = bundle.textEncoder().contentTokens(prompt);
        if (tokens > room) {
            throw new InvalidRequestException(field, "at most " + room + " tokens for model '" + manifest.name()
                    + "'", prompt + " (" + tokens + " tokens)");
        }
        return toDouble(bundle.textEncoder().encode(List.of(prompt)));
    }

    /** An input image as latent (sampled as the reference does) and CLIP embedding. */
    ImageCondition encodeImage(BufferedImage image, NoiseSource noise) {
        float[] latent = bundle.vaeEncoder().encodeSample(noise, image);
        float[] clip = bundle.imageEncoder().embed(image);
        return new ImageCondition(toDouble(latent), toDouble(clip));
    }

    /** The noise of the VAE sample of a request's input image(s). */
    NoiseSource imageEncodingNoise(long seed) {
        return hooks.imageEncodingNoise(seed);
    }

    /** The images of the pixels the VAE saw for an input (cropped and resized). */
    BufferedImage asModelSees(BufferedImage image) {
        float[] pixels = org.unidiff.runtime.image.ImageTensors.vaeInput(image, manifest.image().width(),
                manifest.image().height());
        return org.unidiff.runtime.image.ImageTensors.fromSigned(pixels, 0, manifest.image().width(),
                manifest.image().height());
    }

    /** Runs one plan for the request's outputs and returns every sample's final latents. */
    List<SampleLatents> sample(TaskPlan plan, GivenValues givens, ResolvedOptions o, Stage stage,
                               RunControl control) {
        JointShape shape = givens.shape();
        long seed = stage.index() == 0 ? o.seed() : o.seed() + STAGE_MIX * stage.index();
        GuidedJointModel.Builder builder = GuidedJointModel.builder(plan, shape, schedule, bundle.transformer())
                .guidanceScale(o.guidance())
                .givens(givens)
                .noise(hooks.samplingNoise(stage, seed, o.outputs()));
        if (o.dataType() != null) {
            builder.dataType(o.dataType());
        }
        GuidedJointModel model = builder.build();
        Solver solver = Solvers.create(o.sampler(), schedule, o.steps());
        LOG.debug("{}: {} with {}, {} outputs, {} rows per evaluation", stage.name(), plan.name(), solver.describe(),
                o.outputs(), model.rowsPerEvaluation());
        double[] initial = model.initialState();
        try {
            double[] end = solver.sample(model, initial, event -> {
                if (control.cancellation().isCancelled()) {
                    return false;
                }
                control.progress().onProgress(new Progress(stage.name(), event.evaluation(),
                        event.totalEvaluations(), stage.index(), stage.count()));
                return true;
            });
            List<SampleLatents> latents = model.split(end);
            hooks.sampled(stage, latents);
            return latents;
        } catch (SamplingCancelledException e) {
            throw new GenerationCancelledException(stage.name() + ": cancelled before model evaluation "
                    + e.evaluation() + " of " + solver.evaluations());
        }
    }

    /** Decodes the image of one slot of every sample. */
    List<BufferedImage> decodeImages(List<SampleLatents> samples, int slot) {
        int size = samples.get(0).slot(slot).imageLatent().length;
        float[] latents = new float[samples.size() * size];
        for (int i = 0; i < samples.size(); i++) {
            copyInto(samples.get(i).slot(slot).imageLatent(), latents, i * size);
        }
        return List.of(bundle.vaeDecoder().decodeImages(latents, samples.size()));
    }

    /** Decodes the caption of slot 0 of every sample with the manifest's beam search. */
    List<String> decodeTexts(List<SampleLatents> samples) {
        List<String> out = new ArrayList<>(samples.size());
        for (SampleLatents s : samples) {
            double[] text = s.slot(0).text();
            float[] f = new float[text.length];
            copyInto(text, f, 0);
            out.add(bundle.textDecoder().caption(f));
        }
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
