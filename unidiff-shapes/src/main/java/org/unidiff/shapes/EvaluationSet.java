package org.unidiff.shapes;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fixed evaluation sets for the benchmarks: every one of the 1296 scenes, held-out pairs included, with its
 * full caption and a seed, repeated {@code repeats} times with fresh seeds and jitter. The same (seed,
 * repeats) always gives the same list, so numbers from different runs and models are comparable.
 */
public final class EvaluationSet {

    private EvaluationSet() {
    }

    /**
     * The full-caption prompt list: for each repeat, all 1296 scenes in {@link Scene#combinationIndex()} order.
     */
    public static List<EvalPrompt> fullCaptions(long seed, int repeats) {
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be at least 1, got " + repeats);
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<Scene> combinations = Scene.allCentered();
        List<EvalPrompt> prompts = new ArrayList<>(repeats * combinations.size());
        for (int r = 0; r < repeats; r++) {
            for (Scene c : combinations) {
                // Non-negative 31-bit seeds so any generator, in any language, accepts them.
                long generationSeed = random.nextInt(Integer.MAX_VALUE);
                Scene scene = Scene.jittered(c.background(), c.color(), c.shape(), c.size(), c.position(), random);
                prompts.add(new EvalPrompt(prompts.size(), Captions.full(scene), generationSeed, scene,
                        scene.isHeldOut()));
            }
        }
        return prompts;
    }
}
