package org.unidiff.bench;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.LongFunction;
import org.unidiff.api.InterpolationRequest;
import org.unidiff.api.InterpolationResult;
import org.unidiff.api.InversionRequest;
import org.unidiff.api.InversionResult;
import org.unidiff.api.Recipes;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.Unidiff;
import org.unidiff.shapes.Analysis;
import org.unidiff.shapes.Analyzer;
import org.unidiff.shapes.Color;
import org.unidiff.shapes.EvalPrompt;
import org.unidiff.shapes.Position;
import org.unidiff.shapes.Renderer;
import org.unidiff.shapes.Scene;
import org.unidiff.shapes.SceneAttributes;
import org.unidiff.shapes.Size;

/**
 * The inversion and interpolation metrics (issue 18): clean renders inverted and regenerated, and
 * interpolations between renders that differ in one attribute, scored by the analyzer.
 */
final class InterpolationBench {

    /** Frames of every scored interpolation, as the CLI's example uses. */
    static final int FRAMES = 8;
    /** Renders the latent error against steps is measured on (a subset: every step count is a run). */
    static final int ERROR_CURVE_ITEMS = 8;
    /** The step counts of the latent error curve. */
    static final int[] ERROR_CURVE_STEPS = {10, 25, 50, 100};
    /** The largest move, in pixels, against the overall direction that still counts as monotone (analyzer noise). */
    static final double MONOTONE_SLACK = 1.5;
    /**
     * A looser slack: the world's own jitter ({@link Scene#MAX_JITTER}), within which two centres are the
     * same grid position by construction.
     */
    static final double JITTER_SLACK = Scene.MAX_JITTER;

    /** The kind of difference of an interpolation pair. */
    enum Change {
        POSITION, COLOR, SIZE
    }

    private final Unidiff unidiff;
    private final int batch;
    private final LongFunction<SamplingOptions> options;

    /**
     * @param options the run's sampling options for a seed (one output)
     */
    InterpolationBench(Unidiff unidiff, int batch, LongFunction<SamplingOptions> options) {
        this.unidiff = unidiff;
        this.batch = batch;
        this.options = options;
    }

    /** Inversion then regeneration of every render; attributes kept and the latent error. */
    List<MetricRow> inversion(List<EvalPrompt> sources) {
        VariationKeeping keeping = new VariationKeeping();
        double errorSum = 0;
        int errors = 0;
        for (int from = 0; from < sources.size(); from += batch) {
            List<EvalPrompt> chunk = sources.subList(from, Math.min(sources.size(), from + batch));
            List<InversionRequest> requests = chunk.stream().map(p -> new InversionRequest(
                    Renderer.renderImage(p.scene()), InversionRequest.DEFAULT_REFINEMENTS, true,
                    options.apply(p.seed()))).toList();
            List<InversionResult> results = unidiff.runAll(Recipes.INVERSION, requests);
            for (int i = 0; i < chunk.size(); i++) {
                InversionResult r = results.get(i);
                keeping.add(SceneAttributes.of(chunk.get(i).scene()), Analyzer.analyze(r.regenerated().orElseThrow()));
                errorSum += r.latentError();
                errors++;
            }
        }
        List<MetricRow> rows = new ArrayList<>();
        String task = "inversion";
        rows.add(MetricRow.fraction(task, "regeneration keeps all five", keeping.allKept(), Target.atLeast(0.90)));
        for (Attribute a : Attribute.values()) {
            rows.add(MetricRow.fraction(task, "  keeps " + a.label(), keeping.kept(a), Target.none()));
        }
        rows.add(MetricRow.fraction(task, "latent error (relative RMS), mean, " + InversionRequest.DEFAULT_REFINEMENTS
                + " refinements", errors == 0 ? Double.NaN : errorSum / errors, errors, Target.none()));
        return rows;
    }

    /** Mean latent error of the round trip against the step count, plain and refined inversion. */
    List<MetricRow> errorCurve(List<EvalPrompt> sources) {
        List<EvalPrompt> items = sources.subList(0, Math.min(ERROR_CURVE_ITEMS, sources.size()));
        List<MetricRow> rows = new ArrayList<>();
        for (int refinements : new int[] {0, InversionRequest.DEFAULT_REFINEMENTS}) {
            for (int steps : ERROR_CURVE_STEPS) {
                List<InversionRequest> requests = items.stream().map(p -> new InversionRequest(
                        Renderer.renderImage(p.scene()), refinements, true,
                        options.apply(p.seed()).withSteps(steps))).toList();
                double sum = 0;
                for (InversionResult r : unidiff.runAll(Recipes.INVERSION, requests)) {
                    sum += r.latentError();
                }
                rows.add(MetricRow.fraction("inversion", String.format(Locale.ROOT,
                        "  latent error at %d steps, %d refinements", steps, refinements), sum / items.size(),
                        items.size(), Target.none()));
            }
        }
        return rows;
    }

    /** Interpolations between renders differing in one attribute (position, colour, size in turn). */
    List<MetricRow> interpolation(List<EvalPrompt> sources, long seed) {
        Rate endpoints = new Rate();
        Rate middleValid = new Rate();
        Rate middleKeep = new Rate();
        Rate monotone = new Rate();
        Rate monotoneJitter = new Rate();
        Rate cellMonotone = new Rate();
        Rate[] endpointsBy = {new Rate(), new Rate(), new Rate()};
        SplittableRandom random = new SplittableRandom(seed);
        List<InterpolationRequest> requests = new ArrayList<>();
        List<Scene[]> pairs = new ArrayList<>();
        List<Change> changes = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            Scene a = sources.get(i).scene();
            Change change = Change.values()[i % 3];
            Scene b = changed(a, change, random);
            pairs.add(new Scene[] {a, b});
            changes.add(change);
            requests.add(InterpolationRequest.of(Renderer.renderImage(a), Renderer.renderImage(b), FRAMES,
                    options.apply(sources.get(i).seed())));
        }
        // FRAMES outputs per request: batch/FRAMES... at least one request per call, bounded by the engine's 64.
        int perCall = Math.max(1, Math.min(batch, 64 / FRAMES));
        for (int from = 0; from < requests.size(); from += perCall) {
            int to = Math.min(requests.size(), from + perCall);
            List<InterpolationResult> results = unidiff.runAll(Recipes.INTERPOLATION, requests.subList(from, to));
            for (int i = from; i < to; i++) {
                List<BufferedImage> frames = results.get(i - from).frames();
                List<Analysis> analyses = frames.stream().map(Analyzer::analyze).toList();
                Scene[] pair = pairs.get(i);
                boolean first = sameFive(analyses.get(0), pair[0]);
                boolean last = sameFive(analyses.get(FRAMES - 1), pair[1]);
                endpoints.add(first);
                endpoints.add(last);
                endpointsBy[changes.get(i).ordinal()].add(first);
                endpointsBy[changes.get(i).ordinal()].add(last);
                for (Analysis a : analyses.subList(1, FRAMES - 1)) {
                    middleValid.add(a.isValid());
                    middleKeep.add(keepsShared(a, pair[0], pair[1]));
                }
                if (changes.get(i) == Change.POSITION) {
                    monotone.add(monotone(analyses, MONOTONE_SLACK));
                    monotoneJitter.add(monotone(analyses, JITTER_SLACK));
                    cellMonotone.add(cellMonotone(analyses));
                }
            }
        }
        String task = "interpolation";
        List<MetricRow> rows = new ArrayList<>();
        rows.add(MetricRow.fraction(task, "first and last frames match their inputs", endpoints, Target.atLeast(0.85)));
        for (Change c : Change.values()) {
            rows.add(MetricRow.fraction(task, "  endpoints match, " + c.name().toLowerCase(Locale.ROOT) + " pairs",
                    endpointsBy[c.ordinal()], Target.none()));
        }
        rows.add(MetricRow.fraction(task, "middle frames show one object", middleValid, Target.atLeast(0.80)));
        rows.add(MetricRow.fraction(task, "  middle frames keep the four attributes both inputs share", middleKeep,
                Target.none()));
        // The target is on the jitter rule: two renders of one grid position differ by up to twice the world's
        // jitter by construction, so a back-step within it is not a move; the stricter analyzer-noise rule stays beside it.
        rows.add(MetricRow.fraction(task, "position pairs: centre moves monotonically (back-steps up to the world's 3 px jitter)",
                monotoneJitter, Target.atLeast(0.80)));
        rows.add(MetricRow.fraction(task, "  the same, back-steps up to 1.5 px (analyzer noise) allowed", monotone,
                Target.none()));
        rows.add(MetricRow.fraction(task, "  grid cell row and column never step back", cellMonotone, Target.none()));
        return rows;
    }

    /** Whether one object is found with every attribute on which the two inputs agree. */
    static boolean keepsShared(Analysis analysis, Scene a, Scene b) {
        if (analysis.attributes().isEmpty()) {
            return false;
        }
        SceneAttributes found = analysis.attributes().get();
        SceneAttributes x = SceneAttributes.of(a);
        SceneAttributes y = SceneAttributes.of(b);
        for (Attribute attribute : Attribute.values()) {
            if (attribute.of(x) == attribute.of(y) && attribute.of(found) != attribute.of(x)) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameFive(Analysis analysis, Scene scene) {
        return analysis.attributes().map(s -> s.equals(SceneAttributes.of(scene))).orElse(false);
    }

    /**
     * Whether the object's centre moves monotonically along both axes over the frames where the
     * analyzer finds one object (at least both endpoints and half the frames must be found).
     */
    static boolean monotone(List<Analysis> analyses, double slack) {
        List<double[]> centres = new ArrayList<>();
        for (Analysis a : analyses) {
            if (a instanceof Analysis.Found f) {
                centres.add(new double[] {f.centerX(), f.centerY()});
            }
        }
        if (!(analyses.get(0) instanceof Analysis.Found) || !(analyses.get(analyses.size() - 1) instanceof Analysis.Found)
                || centres.size() * 2 < analyses.size()) {
            return false;
        }
        for (int axis = 0; axis < 2; axis++) {
            double direction = Math.signum(centres.get(centres.size() - 1)[axis] - centres.get(0)[axis]);
            for (int k = 1; k < centres.size(); k++) {
                double step = centres.get(k)[axis] - centres.get(k - 1)[axis];
                double against = direction == 0 ? Math.abs(step) : -direction * step;
                if (against > slack) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Whether the grid cell of the object (row and column of the nearest cell centre) moves
     * monotonically over the frames where one object is found, with the same coverage rule as
     * {@link #monotone}: the shapes world knows only nine positions, so this is its coarse form.
     */
    static boolean cellMonotone(List<Analysis> analyses) {
        List<Analysis> asCells = new ArrayList<>(analyses.size());
        for (Analysis a : analyses) {
            if (a instanceof Analysis.Found f) {
                Position p = f.scene().position();
                // Cell centres 16 px apart: a step back of a whole cell is a step back; slack 0 on cell centres.
                asCells.add(new Analysis.Found(f.scene(), p.centerX(), p.centerY(), f.features()));
            } else {
                asCells.add(a);
            }
        }
        return monotone(asCells, 0);
    }

    /** {@code a} with one attribute changed to another value (position: a new cell, with the same jitter draw). */
    static Scene changed(Scene a, Change change, SplittableRandom random) {
        switch (change) {
            case POSITION: {
                Position p;
                do {
                    p = Position.values()[random.nextInt(Position.values().length)];
                } while (p == a.position());
                return new Scene(a.background(), a.color(), a.shape(), a.size(), p,
                        a.centerX() - a.position().centerX() + p.centerX(),
                        a.centerY() - a.position().centerY() + p.centerY());
            }
            case COLOR: {
                Color c;
                do {
                    c = Color.values()[random.nextInt(Color.values().length)];
                } while (c == a.color());
                return new Scene(a.background(), c, a.shape(), a.size(), a.position(), a.centerX(), a.centerY());
            }
            default: {
                Size s = a.size() == Size.values()[0] ? Size.values()[1] : Size.values()[0];
                return new Scene(a.background(), a.color(), a.shape(), s, a.position(), a.centerX(), a.centerY());
            }
        }
    }
}
