package org.unidiff.bench;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.unidiff.runtime.Bundle;
import org.unidiff.runtime.manifest.BundleManifest;
import org.unidiff.sampling.noise.SeededNoiseSource;
import org.unidiff.sampling.plan.GivenValues;
import org.unidiff.sampling.plan.GuidedJointModel;
import org.unidiff.sampling.plan.JointPredictor;
import org.unidiff.sampling.plan.JointShape;
import org.unidiff.sampling.plan.SampleLatents;
import org.unidiff.sampling.plan.TaskPlan;
import org.unidiff.sampling.schedule.NoiseSchedule;
import org.unidiff.sampling.solver.SamplerKind;
import org.unidiff.sampling.solver.Solver;
import org.unidiff.sampling.solver.Solvers;
import org.unidiff.sampling.solver.StepListener;

/**
 * Text to image and captioning done step by step with the public runtime and sampling classes, the way the
 * API's engine does them, with a clock around each step: where the Java time of a generation goes. It uses the
 * same seeds and noise streams as the API, so its outputs equal the API's (the speed benchmark checks that, and
 * so do the tests), which is what makes the breakdown a breakdown of the API's work.
 */
public final class ProfiledPipeline {

    /** The engine's stream for the VAE sample of an input image: request seed XOR this. */
    static final long IMAGE_MIX = 0xC2B2AE3D27D4EB4FL;

    private final Bundle bundle;
    private final BundleManifest manifest;
    private final NoiseSchedule schedule;
    private final TimedPredictor transformer;

    /** A pipeline over an open bundle (not closed here). */
    public ProfiledPipeline(Bundle bundle) {
        this.bundle = bundle;
        this.manifest = bundle.manifest();
        this.schedule = manifest.schedule().toNoiseSchedule();
        this.transformer = new TimedPredictor(bundle.transformer());
    }

    /**
     * One timed run: the outputs and the nanoseconds of each stage.
     *
     * @param images   generated images (text to image), else empty
     * @param captions generated captions (captioning), else empty
     * @param nanos    time per stage
     */
    public record Run(List<BufferedImage> images, List<String> captions, Map<Stage, Long> nanos) {
    }

    /** Text to image with the given options (sampler and steps resolved by the caller). */
    public Run textToImage(String prompt, long seed, SamplerKind sampler, int steps, double guidance, int outputs) {
        Map<Stage, Long> nanos = new EnumMap<>(Stage.class);
        long t0 = System.nanoTime();
        float[] encoded = bundle.textEncoder().encode(List.of(prompt));
        long t1 = System.nanoTime();
        double[] text = toDouble(encoded);
        long t2 = System.nanoTime();
        JointShape shape = bundle.transformer().shape(1);
        GivenValues givens = GivenValues.builder(shape).text(0, text).build();
        List<SampleLatents> out = sample(TaskPlan.textToImage(), givens, seed, sampler, steps, guidance, outputs,
                nanos);
        long t3 = System.nanoTime();
        int size = out.get(0).slot(0).imageLatent().length;
        float[] latents = new float[out.size() * size];
        for (int i = 0; i < out.size(); i++) {
            copyInto(out.get(i).slot(0).imageLatent(), latents, i * size);
        }
        long t4 = System.nanoTime();
        BufferedImage[] images = bundle.vaeDecoder().decodeImages(latents, out.size());
        long t5 = System.nanoTime();
        nanos.put(Stage.TEXT_ENCODER, t1 - t0);
        nanos.put(Stage.CONVERSIONS, (t2 - t1) + (t4 - t3));
        nanos.put(Stage.VAE_DECODER, t5 - t4);
        return new Run(List.of(images), List.of(), nanos);
    }

    /** Captioning of one image with the given options. */
    public Run imageToText(BufferedImage image, long seed, SamplerKind sampler, int steps, double guidance,
                           int outputs) {
        Map<Stage, Long> nanos = new EnumMap<>(Stage.class);
        long t0 = System.nanoTime();
        float[] latent = bundle.vaeEncoder().encodeSample(SeededNoiseSource.of(seed ^ IMAGE_MIX), image);
        float[] clip = bundle.imageEncoder().embed(image);
        long t1 = System.nanoTime();
        double[] latentD = toDouble(latent);
        double[] clipD = toDouble(clip);
        long t2 = System.nanoTime();
        JointShape shape = bundle.transformer().shape(1);
        GivenValues givens = GivenValues.builder(shape).image(0, latentD, clipD).build();
        List<SampleLatents> out = sample(TaskPlan.imageToText(), givens, seed, sampler, steps, guidance, outputs,
                nanos);
        long conversions = t2 - t1;
        long decoding = 0;
        List<String> captions = new ArrayList<>(out.size());
        for (SampleLatents s : out) {
            long a = System.nanoTime();
            double[] t = s.slot(0).text();
            float[] f = new float[t.length];
            copyInto(t, f, 0);
            long b = System.nanoTime();
            captions.add(bundle.textDecoder().caption(f));
            long c = System.nanoTime();
            conversions += b - a;
            decoding += c - b;
        }
        nanos.put(Stage.IMAGE_ENCODERS, t1 - t0);
        nanos.put(Stage.CONVERSIONS, conversions);
        nanos.put(Stage.TEXT_DECODER, decoding);
        return new Run(List.of(), captions, nanos);
    }

    /**
     * The sampler alone: the text to image (or captioning) solver run with a transformer that returns zeros
     * instantly, in nanoseconds.
     */
    public long samplerOnlyNanos(boolean captioning, long seed, SamplerKind sampler, int steps, double guidance,
                                 int outputs) {
        JointShape shape = bundle.transformer().shape(1);
        GivenValues.Builder givens = GivenValues.builder(shape);
        if (captioning) {
            givens.image(0, new double[shape.latentSize()], new double[shape.clipDim()]);
        } else {
            givens.text(0, new double[shape.textSize()]);
        }
        TaskPlan plan = captioning ? TaskPlan.imageToText() : TaskPlan.textToImage();
        long start = System.nanoTime();
        run(plan, givens.build(), seed, sampler, steps, guidance, outputs,
                new NullPredictor(bundle.transformer().predictionType()));
        return System.nanoTime() - start;
    }

    private List<SampleLatents> sample(TaskPlan plan, GivenValues givens, long seed, SamplerKind sampler, int steps,
                                       double guidance, int outputs, Map<Stage, Long> nanos) {
        transformer.reset();
        long start = System.nanoTime();
        List<SampleLatents> out = run(plan, givens, seed, sampler, steps, guidance, outputs, transformer);
        long total = System.nanoTime() - start;
        nanos.put(Stage.TRANSFORMER, transformer.nanos());
        nanos.put(Stage.SAMPLER, total - transformer.nanos());
        return out;
    }

    private List<SampleLatents> run(TaskPlan plan, GivenValues givens, long seed, SamplerKind sampler, int steps,
                                    double guidance, int outputs, JointPredictor predictor) {
        GuidedJointModel.Builder builder = GuidedJointModel.builder(plan, givens.shape(), schedule, predictor)
                .guidanceScale(guidance)
                .givens(givens)
                .noise(SeededNoiseSource.streams(seed, outputs));
        manifest.dataTypeDefault().ifPresent(builder::dataType);
        GuidedJointModel model = builder.build();
        Solver solver = Solvers.create(sampler, schedule, steps);
        return model.split(solver.sample(model, model.initialState(), StepListener.NONE));
    }

    private static double[] toDouble(float[] values) {
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
