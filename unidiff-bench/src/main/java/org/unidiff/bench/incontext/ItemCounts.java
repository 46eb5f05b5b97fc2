package org.unidiff.bench.incontext;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.unidiff.shapes.incontext.InContextTask;
import org.unidiff.shapes.incontext.Transform;

/**
 * How many items each task gets so that every transform reaches a total: the seen arguments of a
 * transform share it (recolor's five seen colours get a fifth each, mask gets all of it), and a
 * held-out combination gets as many as one seen argument of its kind, but at least half the
 * total, because it is reported on its own.
 */
public final class ItemCounts {

    /** Most items per transform: bounds the run (each item is a full 19-step guided generation). */
    public static final int MAX_PER_TRANSFORM = 10_000;

    private ItemCounts() {
    }

    /** Items per task of {@code tasks} for {@code perTransform} items per transform, in the order given. */
    public static Map<InContextTask, Integer> perTransform(List<InContextTask> tasks, int perTransform) {
        if (perTransform < 1 || perTransform > MAX_PER_TRANSFORM) {
            throw new IllegalArgumentException("items per transform must be 1 to " + MAX_PER_TRANSFORM + ", got "
                    + perTransform);
        }
        Map<Transform, Integer> seen = new LinkedHashMap<>();
        for (InContextTask t : tasks) {
            if (!t.isHeldOut()) {
                seen.merge(t.transform(), 1, Integer::sum);
            }
        }
        Map<InContextTask, Integer> out = new LinkedHashMap<>();
        for (InContextTask t : tasks) {
            int share = ceilDiv(perTransform, seen.getOrDefault(t.transform(), 1));
            out.put(t, t.isHeldOut() ? Math.max(share, ceilDiv(perTransform, 2)) : share);
        }
        return out;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
