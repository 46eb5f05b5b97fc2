package org.unidiff.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.TaskContext;
import org.unidiff.api.ImageResult;

/** Writes the images of one row's result as PNG files named from the row key. */
final class ImageFiles {

    private ImageFiles() {
    }

    /**
     * Writes output i of {@code result} to {@code folder/fileName(rowKey, label, seed, parameters, i)} atomically and
     * returns the written paths, output i at index i.
     *
     * @throws UncheckedIOException when the file system refuses: that fails the task (and Spark
     *                              retries it), because it is not the row's fault
     */
    static List<String> write(Configuration conf, String folder, String rowKey, String label, ImageResult result) {
        TaskContext task = TaskContext.get();
        long attempt = task == null ? ProcessHandle.current().pid() : task.taskAttemptId();
        List<String> files = new ArrayList<>(result.images().size());
        // Sorted, so the name does not depend on a map's iteration order.
        String parameters = new java.util.TreeMap<>(result.parameters().asText()).toString();
        for (int i = 0; i < result.images().size(); i++) {
            String name = OutputFiles.fileName(rowKey, label, result.parameters().seed(), parameters, i);
            try {
                files.add(OutputFiles.writeAtomically(conf, folder, name, OutputFiles.png(result.images().get(i)), attempt));
            } catch (IOException e) {
                throw new UncheckedIOException("writing " + name + " to " + folder + " failed", e);
            }
        }
        return files;
    }
}
