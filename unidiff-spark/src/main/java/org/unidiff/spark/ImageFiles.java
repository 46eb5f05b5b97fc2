package org.unidiff.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.TaskContext;
import java.awt.image.BufferedImage;
import org.unidiff.api.core.GenerationParameters;

/** Writes the images of one row's result as PNG files named from the row key. */
final class ImageFiles {

    private ImageFiles() {
    }

    /**
     * Writes {@code images} (the outputs of one row's result, made with {@code made}) to
     * {@code folder/fileName(rowKey, label, seed, parameters, i)} atomically and
     * returns the written paths, output i at index i.
     *
     * @throws UncheckedIOException when the file system refuses: that fails the task (and Spark
     *                              retries it), because it is not the row's fault
     */
    static List<String> write(Configuration conf, String folder, String rowKey, String label,
                              List<BufferedImage> images, GenerationParameters made) {
        TaskContext task = TaskContext.get();
        long attempt = task == null ? ProcessHandle.current().pid() : task.taskAttemptId();
        List<String> files = new ArrayList<>(images.size());
        // Sorted, so the name does not depend on a map's iteration order.
        String parameters = new java.util.TreeMap<>(made.asText()).toString();
        for (int i = 0; i < images.size(); i++) {
            String name = OutputFiles.fileName(rowKey, label, made.seed(), parameters, i);
            try {
                files.add(OutputFiles.writeAtomically(conf, folder, name, OutputFiles.png(images.get(i)), attempt));
            } catch (IOException e) {
                throw new UncheckedIOException("writing " + name + " to " + folder + " failed", e);
            }
        }
        return files;
    }
}
