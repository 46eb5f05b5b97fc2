package org.unidiff.bench.incontext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.unidiff.shapes.Renderer;
import org.unidiff.shapes.incontext.InContextTask;

/** The in-context scoring on exact renders, and the item sets' independence from their size. */
class InContextScoringTest {

    @Test
    void iouOfKnownMasks() {
        byte[] a = new byte[12];
        byte[] b = new byte[12];
        a[0] = a[1] = a[2] = (byte) 255;       // pixel 0 on in a
        a[3] = a[4] = a[5] = (byte) 255;       // pixel 1 on in a
        b[3] = b[4] = b[5] = (byte) 200;       // pixel 1 on in b
        assertEquals(0.5, InContextScoring.iou(a, b), 1e-12);
        assertEquals(1.0, InContextScoring.iou(new byte[12], new byte[12]));
        b[6] = b[7] = b[8] = (byte) 120;       // mean 120: off
        assertEquals(0.5, InContextScoring.iou(a, b), 1e-12);
    }

    @Test
    void theExactTargetIsRightAndTheUnchangedQueryIsWrongForEveryTask() {
        for (InContextTask task : InContextTask.all()) {
            InContextItem item = InContextItems.of(task, 2, 3, 5).get(2);
            assertTrue(InContextScoring.correct(task, item.query(), Renderer.toBufferedImage(task.render(item.query()))),
                    task.id() + ": the exact target scores right");
            if (!task.transform().isDense()) {
                assertFalse(InContextScoring.correct(task, item.query(), Renderer.renderImage(item.query())),
                        task.id() + ": the unchanged query scores wrong (items are scenes the task changes)");
            }
        }
    }

    @Test
    void itemsDoNotDependOnHowManyAreAsked() {
        InContextTask task = InContextTask.fromId("recolor:red");
        List<InContextItem> three = InContextItems.of(task, 2, 3, 9);
        List<InContextItem> five = InContextItems.of(task, 2, 5, 9);
        assertEquals(three, five.subList(0, 3));
        assertEquals(2, three.get(0).examples().size());
        assertFalse(three.get(0).equals(three.get(1)));
    }
}
