package org.unidiff.spark;

import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.unidiff.api.tasks.ResultSink;

/**
 * A result's outputs kept in memory by name, for a job whose table has its own columns (a caption
 * column, files named by the prompt) rather than the requests job's generic ones.
 */
final class KeptOutputs implements ResultSink {

    private final Map<String, List<BufferedImage>> images = new LinkedHashMap<>();
    private final Map<String, List<String>> texts = new LinkedHashMap<>();

    @Override
    public void images(String name, List<BufferedImage> values) {
        images.put(name, List.copyOf(values));
    }

    @Override
    public void imageGroups(String name, List<List<BufferedImage>> groups) {
        images.put(name, groups.stream().flatMap(List::stream).toList());
    }

    @Override
    public void animation(String name, List<BufferedImage> frames) {
        // No job with columns of its own has an animation column (interpolation also writes its frames as images).
    }

    @Override
    public void texts(String name, List<String> values) {
        texts.put(name, List.copyOf(values));
    }

    @Override
    public void numbers(String name, double[] values) {
        // No job with columns of its own reads numbers.
    }

    /** The images written under {@code name} (empty when none). */
    List<BufferedImage> images(String name) {
        return images.getOrDefault(name, List.of());
    }

    /** The texts written under {@code name} (empty when none). */
    List<String> texts(String name) {
        return texts.getOrDefault(name, List.of());
    }
}
