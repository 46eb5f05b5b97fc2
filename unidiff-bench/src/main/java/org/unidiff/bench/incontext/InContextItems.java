package org.unidiff.bench.incontext;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.unidiff.shapes.Scene;
import org.unidiff.shapes.incontext.InContextDatasetWriter;
import org.unidiff.shapes.incontext.InContextTask;

/**
 * The fixed, seeded item sets of the in-context benchmark. Item i of a task depends only on
 * (seed, task, i), never on how many items or which other tasks are asked for, so subsets and
 * larger runs share their first items. Examples and queries are scenes the task changes, as in
 * training (a recolour to red of a red object would show nothing).
 */
public final class InContextItems {

    /** Scenes drawn per item before giving up on finding ones the task changes: bounds the loop. */
    private static final int DRAW_LIMIT = 1000;

    private InContextItems() {
    }

    /** {@code count} items of {@code task} with {@code k} examples each. */
    public static List<InContextItem> of(InContextTask task, int k, int count, long seed) {
        if (k < 1 || count < 1) {
            throw new IllegalArgumentException("need k >= 1 and count >= 1, got k " + k + ", count " + count);
        }
        List<InContextItem> items = new ArrayList<>(count);
        long taskSeed = seed * 1_000_003L + task.id().hashCode();
        for (int i = 0; i < count; i++) {
            long itemSeed = new SplittableRandom(taskSeed + i).nextLong();
            List<Scene> pool = InContextDatasetWriter.sampleScenes(itemSeed, DRAW_LIMIT);
            List<Scene> chosen = new ArrayList<>(k + 1);
            for (Scene s : pool) {
                if (task.changes(s)) {
                    chosen.add(s);
                    if (chosen.size() == k + 1) {
                        break;
                    }
                }
            }
            if (chosen.size() < k + 1) {
                throw new IllegalStateException("task " + task.id() + " changes fewer than " + (k + 1) + " of "
                        + DRAW_LIMIT + " scenes");
            }
            items.add(new InContextItem(task, chosen.subList(0, k), chosen.get(k), itemSeed));
        }
        return items;
    }
}
