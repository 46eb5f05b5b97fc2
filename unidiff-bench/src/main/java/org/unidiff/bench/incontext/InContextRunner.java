package org.unidiff.bench.incontext;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.unidiff.api.ExamplePair;
import org.unidiff.api.ImageResult;
import org.unidiff.api.InContextRequest;
import org.unidiff.api.Recipes;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.Unidiff;
import org.unidiff.api.engine.Recipe;
import org.unidiff.shapes.Renderer;
import org.unidiff.shapes.Scene;

/**
 * Runs in-context items through the public engine, many per call, and scores the answers.
 * Requests are made from exact renders: each example pair is (render of the scene, the task's
 * target of it), the query a render.
 */
public final class InContextRunner {

    /** Requests per {@link Unidiff#runAll} call: enough to fill the engine's batches, bounded for memory. */
    static final int REQUESTS_PER_CALL = 32;

    private final Unidiff unidiff;
    private final Integer steps;
    private final Recipe<InContextRequest, ImageResult> dropped = new ExamplesDroppedRecipe();

    /** Runs on an open in-context bundle; {@code steps} null for the bundle's default. */
    public InContextRunner(Unidiff unidiff, Integer steps) {
        this.unidiff = unidiff;
        this.steps = steps;
    }

    /** Fraction of items answered right with examples and guidance {@code guidance} (null: the bundle's). */
    public double accuracy(List<InContextItem> items, Double guidance) {
        return right(items, guidance) / (double) items.size();
    }

    /** Items answered right with examples and guidance {@code guidance} (null: the bundle's). */
    public int right(List<InContextItem> items, Double guidance) {
        return score(items, run(items, guidance, Recipes.IN_CONTEXT));
    }

    /** Fraction right with the example frames replaced by noise: the model sees the query alone. */
    public double accuracyWithoutExamples(List<InContextItem> items) {
        return rightWithoutExamples(items) / (double) items.size();
    }

    /** Items right with the example frames replaced by noise. */
    public int rightWithoutExamples(List<InContextItem> items) {
        return score(items, run(items, null, dropped));
    }

    /** Fraction of items whose query is already its target: what copying the query would score. */
    public static double accuracyOfTheQueryUnchanged(List<InContextItem> items) {
        return rightWithTheQueryUnchanged(items) / (double) items.size();
    }

    /** Items whose query is already its target. */
    public static int rightWithTheQueryUnchanged(List<InContextItem> items) {
        int right = 0;
        for (InContextItem item : items) {
            right += InContextScoring.correct(item.task(), item.query(), Renderer.renderImage(item.query())) ? 1 : 0;
        }
        return right;
    }

    /** All three counts of one task's items. */
    public TaskScore scoreTask(List<InContextItem> items) {
        return new TaskScore(items.get(0).task(), items.size(), right(items, null), rightWithTheQueryUnchanged(items),
                rightWithoutExamples(items));
    }

    private List<BufferedImage> run(List<InContextItem> items, Double guidance,
                                    Recipe<InContextRequest, ImageResult> recipe) {
        List<BufferedImage> answers = new ArrayList<>(items.size());
        for (int from = 0; from < items.size(); from += REQUESTS_PER_CALL) {
            List<InContextRequest> requests = new ArrayList<>();
            for (InContextItem item : items.subList(from, Math.min(items.size(), from + REQUESTS_PER_CALL))) {
                requests.add(request(item, guidance));
            }
            for (ImageResult r : unidiff.runAll(recipe, requests)) {
                answers.add(r.image());
            }
        }
        return answers;
    }

    private InContextRequest request(InContextItem item, Double guidance) {
        List<ExamplePair> pairs = new ArrayList<>(item.examples().size());
        for (Scene s : item.examples()) {
            pairs.add(new ExamplePair(Renderer.renderImage(s), Renderer.toBufferedImage(item.task().render(s))));
        }
        return new InContextRequest(pairs, Renderer.renderImage(item.query()),
                new SamplingOptions(item.seed(), steps, null, guidance, 1, null));
    }

    private static int score(List<InContextItem> items, List<BufferedImage> answers) {
        int right = 0;
        for (int i = 0; i < items.size(); i++) {
            right += InContextScoring.correct(items.get(i).task(), items.get(i).query(), answers.get(i)) ? 1 : 0;
        }
        return right;
    }
}
