package org.unidiff.bench;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unidiff.api.ImageOnlyRequest;
import org.unidiff.api.ImageResult;
import org.unidiff.api.ImageToTextRequest;
import org.unidiff.api.ImageVariationRequest;
import org.unidiff.api.JointRequest;
import org.unidiff.api.JointResult;
import org.unidiff.api.core.MarginalRoute;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.TextOnlyRequest;
import org.unidiff.api.TextToImageRequest;
import org.unidiff.api.Unidiff;
import org.unidiff.runtime.Bundle;
import org.unidiff.shapes.Analysis;
import org.unidiff.shapes.Analyzer;
import org.unidiff.shapes.CaptionAttributes;
import org.unidiff.shapes.EvalPrompt;
import org.unidiff.shapes.Renderer;
import org.unidiff.shapes.Scene;
import org.unidiff.shapes.SceneAttributes;

/**
 * Runs the quality metrics of the shapes world (spec: shapes-world.md, "Benchmark metrics") through the public
 * API on one open model and scores the outputs with the analyzer and the caption parser.
 */
public final class QualityRunner {

    private static final Logger LOG = LoggerFactory.getLogger(QualityRunner.class);

    private final Unidiff unidiff;
    private final QualitySettings settings;
    private final Supplier<Bundle> vaeBundle;
    private final double defaultGuidance;
    private final Map<Double, PromptAccuracy> seenAccuracyByScale = new HashMap<>();

    /**
     * A runner on an open model.
     *
     * @throws IllegalArgumentException if the model's images are not the shapes world's 64 x 64
     */
    public QualityRunner(Unidiff unidiff, QualitySettings settings) {
        this(unidiff, settings, null);
    }

    /**
     * A runner on an open model that can also score the VAE round trip.
     *
     * @param vaeBundle opens the same bundle with (at least) its VAE encoder and decoder, for metric
     *                  {@link QualityMetric#VAE}; the runner closes what it returns. Null: that metric reports
     *                  nothing counted.
     * @throws IllegalArgumentException if the model's images are not the shapes world's 64 x 64
     */
    public QualityRunner(Unidiff unidiff, QualitySettings settings, Supplier<Bundle> vaeBundle) {
        this.unidiff = unidiff;
        this.settings = settings;
        this.vaeBundle = vaeBundle;
        int w = unidiff.manifest().image().width();
        int h = unidiff.manifest().image().height();
        if (w != Renderer.IMAGE_SIZE || h != Renderer.IMAGE_SIZE) {
            throw new IllegalArgumentException("the quality benchmark scores shapes-world images of "
                    + Renderer.IMAGE_SIZE + " x " + Renderer.IMAGE_SIZE + " px; model '" + unidiff.manifest().name()
                    + "' makes " + w + " x " + h);
        }
        this.defaultGuidance = unidiff.manifest().defaults().guidanceScale();
    }

    /** Runs the chosen metrics in their declared order and returns every row. */
    public List<MetricRow> run(Set<QualityMetric> metrics) {
        List<MetricRow> rows = new ArrayList<>();
        for (QualityMetric metric : EnumSet.copyOf(metrics)) {
            long start = System.nanoTime();
            LOG.info("{}: running", metric.id());
            List<MetricRow> produced = switch (metric) {
                case T2I -> textToImage();
                case CAPTION -> captioning();
                case JOINT, JOINT_VIA_TEXT -> joint(metric);
                case IMAGE_ONLY, IMAGE_ONLY_VIA_TEXT -> imageOnly(metric);
                case TEXT_ONLY -> textOnly();
                case VARIATION -> variation();
                case GROUP -> groupMetrics().groups(metricSeed(QualityMetric.GROUP));
                case GROUP_REF -> groupMetrics().withReference(metricSeed(QualityMetric.GROUP_REF));
                case GUIDANCE -> guidance();
                case VAE -> vaeRoundTrip();
                case INVERSION -> inversion();
                case INTERPOLATION -> interpolation();
            };
            rows.addAll(produced);
            LOG.info("{}: done in {} s ({} rows)", metric.id(),
                    String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9), produced.size());
        }
        return rows;
    }

    private List<MetricRow> textToImage() {
        double scale = settings.guidanceOr(defaultGuidance);
        List<MetricRow> rows = new ArrayList<>(seenAccuracy(scale).rows("text->image", Target.atLeast(0.80)));
        PromptAccuracy heldOut = promptAccuracy(prompts(QualityMetric.T2I, PromptSets.Pairs.HELD_OUT), scale);
        rows.addAll(heldOut.rows("text->image held-out", Target.atLeast(0.50)));
        return rows;
    }

    private List<MetricRow> captioning() {
        List<MetricRow> rows = new ArrayList<>();
        rows.addAll(captionAccuracy(PromptSets.Pairs.SEEN).rows("captioning", Target.atLeast(0.80)));
        rows.addAll(captionAccuracy(PromptSets.Pairs.HELD_OUT).rows("captioning held-out", Target.atLeast(0.50)));
        return rows;
    }

    private CaptionAccuracy captionAccuracy(PromptSets.Pairs pairs) {
        CaptionAccuracy accuracy = new CaptionAccuracy();
        List<EvalPrompt> prompts = prompts(QualityMetric.CAPTION, pairs);
        int[] outputs = PromptSets.split(settings.samples(), settings.batch());
        for (int i = 0; i < prompts.size(); i++) {
            EvalPrompt p = prompts.get(i);
            List<String> captions = unidiff.imageToText(new ImageToTextRequest(Renderer.renderImage(p.scene()),
                    options(p.seed(), outputs[i], null))).texts();
            for (String caption : captions) {
                accuracy.add(caption, SceneAttributes.of(p.scene()));
            }
        }
        return accuracy;
    }

    /** The task label of a route's rows: the reference's route keeps the plain name. */
    private static String routed(String task, MarginalRoute route) {
        return route == MarginalRoute.DIRECT ? task : task + " via text";
    }

    private List<MetricRow> joint(QualityMetric metric) {
        MarginalRoute route = metric.route();
        String task = routed("joint", route);
        JointAgreement agreement = new JointAgreement();
        int[] outputs = PromptSets.split(settings.samples(), settings.batch());
        // Both routes share one seed salt (QualityMetric): the rows differ only by the route.
        long seed = metricSeed(metric);
        for (int i = 0; i < outputs.length; i++) {
            JointResult r = unidiff.joint(new JointRequest(options(seed + i, outputs[i], null), route));
            for (int j = 0; j < r.images().size(); j++) {
                agreement.add(r.texts().get(j), Analyzer.analyze(r.images().get(j)));
            }
        }
        return List.of(
                MetricRow.fraction(task, "caption parses", agreement.captionParses(), Target.none()),
                MetricRow.fraction(task, "image has one object", agreement.imageValid(), Target.none()),
                MetricRow.fraction(task, "caption parses and agrees with image", agreement.agrees(),
                        Target.atLeast(0.70)));
    }

    private List<MetricRow> imageOnly(QualityMetric metric) {
        MarginalRoute route = metric.route();
        String task = routed("image only", route);
        UnconditionalImages images = new UnconditionalImages();
        int[] outputs = PromptSets.split(settings.imageOnlySamples(), settings.batch());
        long seed = metricSeed(metric);
        for (int i = 0; i < outputs.length; i++) {
            ImageOnlyRequest request = new ImageOnlyRequest(options(seed + i, outputs[i], null), route);
            for (BufferedImage image : unidiff.imageOnly(request).images()) {
                images.add(Analyzer.analyze(image));
            }
        }
        int n = images.valid().count();
        Target distinctTarget = n == QualitySettings.DISTINCT_SCENE_SAMPLES
                ? Target.atLeast(100)
                : Target.notJudged("(>= 100 in " + QualitySettings.DISTINCT_SCENE_SAMPLES + ")");
        return List.of(
                MetricRow.fraction(task, "valid (one object)", images.valid(), Target.atLeast(0.90)),
                MetricRow.number(task, "distinct scenes", images.distinctScenes(), n, distinctTarget));
    }

    private List<MetricRow> textOnly() {
        Rate parses = new Rate();
        int[] outputs = PromptSets.split(settings.samples(), settings.batch());
        long seed = metricSeed(QualityMetric.TEXT_ONLY);
        for (int i = 0; i < outputs.length; i++) {
            for (String text : unidiff.textOnly(new TextOnlyRequest(options(seed + i, outputs[i], null))).texts()) {
                parses.add(org.unidiff.shapes.CaptionParser.parse(text).parses());
            }
        }
        return List.of(MetricRow.fraction("text only", "captions that parse", parses, Target.none()));
    }

    private List<MetricRow> variation() {
        VariationKeeping keeping = new VariationKeeping();
        List<EvalPrompt> sources = prompts(QualityMetric.VARIATION, PromptSets.Pairs.ANY);
        int[] outputs = PromptSets.split(settings.samples(), settings.batch());
        for (int i = 0; i < sources.size(); i++) {
            EvalPrompt p = sources.get(i);
            ImageResult r = unidiff.imageVariation(new ImageVariationRequest(Renderer.renderImage(p.scene()),
                    options(p.seed(), outputs[i], null)));
            for (BufferedImage image : r.images()) {
                keeping.add(SceneAttributes.of(p.scene()), Analyzer.analyze(image));
            }
        }
        List<MetricRow> rows = new ArrayList<>();
        for (Attribute a : Attribute.values()) {
            rows.add(MetricRow.fraction("image variation", "keeps " + a.label(), keeping.kept(a), Target.none()));
        }
        rows.add(MetricRow.fraction("image variation", "keeps all five", keeping.allKept(), Target.none()));
        return rows;
    }

    private GroupMetrics groupMetrics() {
        return new GroupMetrics(unidiff, settings, (seed, outputs) -> options(seed, outputs, null));
    }

    private List<MetricRow> guidance() {
        List<Double> scales = GuidanceTrend.withDefault(settings.guidanceScales(), defaultGuidance);
        List<MetricRow> rows = new ArrayList<>();
        double[] values = new double[scales.size()];
        int count = 0;
        for (int i = 0; i < scales.size(); i++) {
            double scale = scales.get(i);
            Rate all = seenAccuracy(scale).allStated();
            values[i] = all.value();
            count = all.count();
            String label = String.format(Locale.ROOT, "all attributes at scale %s%s", trim(scale),
                    scale == defaultGuidance ? " (default)" : "");
            rows.add(MetricRow.fraction("guidance", label, all, Target.none()));
        }
        int judged = GuidanceTrend.judged(scales, defaultGuidance);
        double[] read = Arrays.copyOf(values, judged);
        boolean rises = GuidanceTrend.rises(read, GuidanceTrend.TOLERANCE);
        double last = scales.get(judged - 1);
        rows.add(new MetricRow("guidance", "rise from scale " + trim(scales.get(0)) + " to " + trim(last)
                + (last == defaultGuidance ? " (default)" : ""), read[judged - 1] - read[0], false, count,
                String.format(Locale.ROOT, "> 0, no drop > %.2f", GuidanceTrend.TOLERANCE),
                rises ? Verdict.PASS : Verdict.FAIL));
        return rows;
    }

    private InterpolationBench interpolationBench() {
        return new InterpolationBench(unidiff, settings.batch(), seed -> options(seed, 1, null));
    }

    private List<MetricRow> inversion() {
        // One render per item (not --batch outputs per item): an inversion has one output.
        List<EvalPrompt> sources = PromptSets.evaluation(metricSeed(QualityMetric.INVERSION), settings.samples(), PromptSets.Pairs.ANY);
        List<MetricRow> rows = new ArrayList<>(interpolationBench().inversion(sources));
        if (vaeBundle != null) {
            // The VAE's round trip of the same renders: the ceiling of any regeneration.
            try (Bundle bundle = vaeBundle.get()) {
                rows.add(1, MetricRow.fraction("inversion", "  ceiling: VAE round trip of the same renders keeps all five",
                        VaeRoundTrip.score(bundle, sources.stream().map(EvalPrompt::scene).toList()).allStated(),
                        Target.none()));
            }
        }
        rows.addAll(interpolationBench().errorCurve(sources));
        return rows;
    }

    private List<MetricRow> interpolation() {
        // Pairs: half the per-metric samples (100 by default), position, colour and size in turn.
        int pairs = Math.max(1, settings.samples() / 2);
        List<EvalPrompt> sources = PromptSets.evaluation(metricSeed(QualityMetric.INTERPOLATION), pairs,
                PromptSets.Pairs.ANY);
        return interpolationBench().interpolation(sources, metricSeed(QualityMetric.INTERPOLATION));
    }

    private List<MetricRow> vaeRoundTrip() {
        List<Scene> scenes = PromptSets.evaluation(metricSeed(QualityMetric.VAE), settings.samples(),
                PromptSets.Pairs.ANY).stream().map(EvalPrompt::scene).toList();
        if (vaeBundle == null) {
            return new PromptAccuracy().rows("VAE round trip", Target.none());
        }
        try (Bundle bundle = vaeBundle.get()) {
            return VaeRoundTrip.score(bundle, scenes).rows("VAE round trip", Target.none());
        }
    }

    private PromptAccuracy seenAccuracy(double scale) {
        PromptAccuracy cached = seenAccuracyByScale.get(scale);
        if (cached == null) {
            // One prompt set for every scale, so the guidance rows differ only by the scale.
            cached = promptAccuracy(prompts(QualityMetric.T2I, PromptSets.Pairs.SEEN), scale);
            seenAccuracyByScale.put(scale, cached);
        }
        return cached;
    }

    private PromptAccuracy promptAccuracy(List<EvalPrompt> prompts, double scale) {
        PromptAccuracy accuracy = new PromptAccuracy();
        int[] outputs = PromptSets.split(settings.samples(), settings.batch());
        for (int i = 0; i < prompts.size(); i++) {
            EvalPrompt p = prompts.get(i);
            ImageResult r = unidiff.textToImage(new TextToImageRequest(p.prompt(), options(p.seed(), outputs[i], scale)));
            for (BufferedImage image : r.images()) {
                accuracy.add(CaptionAttributes.full(p.scene()), Analyzer.analyze(image));
            }
        }
        return accuracy;
    }

    private List<EvalPrompt> prompts(QualityMetric metric, PromptSets.Pairs pairs) {
        int requests = PromptSets.split(settings.samples(), settings.batch()).length;
        return PromptSets.evaluation(metricSeed(metric) + pairs.ordinal(), requests, pairs);
    }

    private SamplingOptions options(long seed, int outputs, Double guidance) {
        // The guidance metric passes its own scales; every other metric runs at --guidance or the bundle's.
        Double scale = guidance != null ? guidance : settings.guidance();
        return new SamplingOptions(seed, settings.steps(), settings.sampler(), scale, outputs, null);
    }

    /** Each metric's own seed, so choosing a subset with --metrics leaves every set unchanged. */
    private long metricSeed(QualityMetric metric) {
        return settings.seed() * 1_000_003L + 7919L * metric.seedSalt();
    }

    private static List<Analysis> analyze(List<BufferedImage> images) {
        return images.stream().map(Analyzer::analyze).toList();
    }

    private static String trim(double scale) {
        return scale == Math.rint(scale) ? Long.toString((long) scale) : Double.toString(scale);
    }
}
