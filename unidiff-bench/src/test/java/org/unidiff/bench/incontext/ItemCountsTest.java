package org.unidiff.bench.incontext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.unidiff.shapes.incontext.InContextTask;
import org.unidiff.shapes.incontext.Transform;

/** Every transform's seen arguments reach the total together; held-out combinations get at least half. */
class ItemCountsTest {

    @Test
    void seenArgumentsShareTheTotalAndHeldOutGetsAtLeastHalf() {
        Map<InContextTask, Integer> n = ItemCounts.perTransform(InContextTask.all(), 100);
        assertEquals(20, n.get(InContextTask.fromId("recolor:red")));      // 5 seen colours
        assertEquals(50, n.get(InContextTask.fromId("recolor:green")));    // held out
        assertEquals(13, n.get(InContextTask.fromId("move:top")));         // 8 seen positions: 104 in all
        assertEquals(50, n.get(InContextTask.fromId("move:top_right")));
        assertEquals(100, n.get(InContextTask.fromId("mask")));
        for (Transform t : Transform.values()) {
            int seen = InContextTask.all().stream().filter(x -> x.transform() == t && !x.isHeldOut())
                    .mapToInt(n::get).sum();
            assertTrue(seen >= 100, t + " has " + seen);
        }
    }

    @Test
    void totalsOutOfRangeAreRefused() {
        List<InContextTask> all = InContextTask.all();
        assertThrows(IllegalArgumentException.class, () -> ItemCounts.perTransform(all, 0));
        assertThrows(IllegalArgumentException.class, () -> ItemCounts.perTransform(all, ItemCounts.MAX_PER_TRANSFORM + 1));
    }
}
