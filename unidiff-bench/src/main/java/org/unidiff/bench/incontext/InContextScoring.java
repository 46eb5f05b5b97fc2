package org.unidiff.bench.incontext;

import java.awt.image.BufferedImage;
import java.util.Optional;
import org.unidiff.shapes.Analyzer;
import org.unidiff.shapes.Renderer;
import org.unidiff.shapes.Scene;
import org.unidiff.shapes.SceneAttributes;
import org.unidiff.shapes.incontext.InContextTask;

/**
 * Whether an answer is the task applied to the query: for scene transforms the analyzer must
 * find all five attributes of the transformed query; for the dense mask the answer, thresholded
 * at mid-gray, must overlap the exact mask with IoU at least {@link #MIN_IOU}.
 */
public final class InContextScoring {

    /** The IoU a mask answer needs to count as right. */
    public static final double MIN_IOU = 0.8;

    private InContextScoring() {
    }

    /** Whether {@code answer} is right for {@code query} under {@code task}. */
    public static boolean correct(InContextTask task, Scene query, BufferedImage answer) {
        if (task.transform().isDense()) {
            return iou(Renderer.toBytes(answer), task.render(query)) >= MIN_IOU;
        }
        Optional<SceneAttributes> found = Analyzer.analyze(answer).attributes();
        return found.isPresent() && found.get().equals(SceneAttributes.of(task.apply(query)));
    }

    /**
     * Intersection over union of two masks given as RGB bytes, a pixel being foreground when its
     * mean channel is above 127. Two empty masks have IoU 1.
     */
    public static double iou(byte[] a, byte[] b) {
        if (a.length != b.length || a.length % 3 != 0) {
            throw new IllegalArgumentException("masks must be RGB bytes of one size, got " + a.length + " and "
                    + b.length);
        }
        int both = 0;
        int either = 0;
        for (int p = 0; p < a.length; p += 3) {
            boolean x = on(a, p);
            boolean y = on(b, p);
            both += x && y ? 1 : 0;
            either += x || y ? 1 : 0;
        }
        return either == 0 ? 1.0 : both / (double) either;
    }

    private static boolean on(byte[] rgb, int p) {
        return ((rgb[p] & 0xFF) + (rgb[p + 1] & 0xFF) + (rgb[p + 2] & 0xFF)) > 3 * 127;
    }
}
