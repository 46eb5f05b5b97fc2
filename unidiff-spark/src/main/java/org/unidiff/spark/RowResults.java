package org.unidiff.spark;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.unidiff.api.files.AnimatedGif;
import org.unidiff.api.tasks.ResultSink;

/**
 * A result as one row of a requests job: images and animations written as files to the job's
 * folder (atomically, named by the row's key, so a retried task rewrites the same files), their
 * paths listed; texts and numbers kept by output name.
 */
final class RowResults implements ResultSink {

    private final Configuration conf;
    private final String folder;
    private final String stem;
    private final long attempt;
    final List<String> files = new ArrayList<>();
    final Map<String, List<String>> texts = new LinkedHashMap<>();
    final Map<String, double[]> numbers = new LinkedHashMap<>();

    /**
     * @param stem start of every file name (from the row key)
     */
    RowResults(Configuration conf, String folder, String stem, long attempt) {
        this.conf = conf;
        this.folder = folder;
        this.stem = stem;
        this.attempt = attempt;
    }

    @Override
    public void images(String name, List<BufferedImage> images) {
        for (int i = 0; i < images.size(); i++) {
            write(name + "-" + i + ".png", OutputFiles.png(images.get(i)));
        }
    }

    @Override
    public void imageGroups(String name, List<List<BufferedImage>> groups) {
        for (int g = 0; g < groups.size(); g++) {
            for (int i = 0; i < groups.get(g).size(); i++) {
                write(name + "-" + g + "-" + i + ".png", OutputFiles.png(groups.get(g).get(i)));
            }
        }
    }

    @Override
    public void animation(String name, List<BufferedImage> frames) {
        write(name + ".gif", AnimatedGif.bytes(frames, 125, 4));
    }

    @Override
    public void texts(String name, List<String> values) {
        texts.put(name, List.copyOf(values));
    }

    @Override
    public void numbers(String name, double[] values) {
        numbers.put(name, values.clone());
    }

    private void write(String suffix, byte[] bytes) {
        String name = stem + "-" + suffix;
        try {
            files.add(OutputFiles.writeAtomically(conf, folder, name, bytes, attempt));
        } catch (IOException e) {
            // The file system's refusal fails the task (Spark retries it): not the row's fault.
            throw new UncheckedIOException("writing " + name + " to " + folder + " failed", e);
        }
    }
}
