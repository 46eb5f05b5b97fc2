package org.unidiff.spark;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The image files a job writes: names fixed by the row key, written through a temporary file in
 * the same folder and renamed into place, so a reader never sees a partial file and a retried or
 * speculative task replaces (or finds) the same file instead of adding another. Works on any
 * Hadoop file system Spark can write to (local, HDFS, object stores through their connectors).
 */
final class OutputFiles {

    /** The most characters of the prompt or file name kept in an output name, for readability only. */
    private static final int MAX_LABEL = 40;

    private static final String TEMP_SUFFIX = ".tmp";

    private OutputFiles() {
    }

    /**
     * {@code <label>-s<seed>-<16 hex digits of SHA-256(rowKey, parameters)>-<output>.png}: the label
     * (the prompt, or the source file's name) only helps a person find a file; the seed is there
     * to read; the hash of the row key and of every generation parameter (seed, steps, guidance,
     * model, ...) makes the name unique per row and per setting, so a run with other settings
     * appended to an output never replaces an earlier run's file.
     */
    static String fileName(String rowKey, String label, long seed, String parameters, int output) {
        StringBuilder slug = new StringBuilder();
        for (char c : (label == null ? "" : label).toLowerCase(Locale.ROOT).toCharArray()) {
            if (slug.length() >= MAX_LABEL) {
                break;
            }
            boolean word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (word) {
                slug.append(c);
            } else if (slug.length() > 0 && slug.charAt(slug.length() - 1) != '-') {
                slug.append('-');
            }
        }
        while (slug.length() > 0 && slug.charAt(slug.length() - 1) == '-') {
            slug.setLength(slug.length() - 1);
        }
        String prefix = slug.length() == 0 ? "row" : slug.toString();
        return prefix + "-s" + seed + "-" + keyHash(rowKey + "\n" + parameters) + "-" + output + ".png";
    }

    static String keyHash(String rowKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(rowKey.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The PNG bytes of an image. */
    static byte[] png(BufferedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 * 1024);
        try {
            if (!ImageIO.write(image, "png", bytes)) {
                throw new IllegalStateException("no PNG writer in this Java runtime");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("encoding a PNG in memory failed", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Writes {@code bytes} to {@code folder/name} atomically and returns the file's full path.
     * The temporary file carries the task attempt id, so concurrent attempts never share one.
     */
    static String writeAtomically(Configuration conf, String folder, String name, byte[] bytes, long attemptId)
            throws IOException {
        Path dir = new Path(folder);
        FileSystem fs = fileSystem(conf, dir);
        Path target = new Path(dir, name);
        Path temp = new Path(dir, "." + name + "." + attemptId + TEMP_SUFFIX);
        try (FSDataOutputStream out = fs.create(temp, true)) {
            out.write(bytes);
        }
        if (!fs.rename(temp, target)) {
            // HDFS-like stores do not replace an existing target. An existing one was written by
            // another attempt of the same row, with the same bytes (outputs depend only on the
            // row), so it is kept.
            fs.delete(temp, false);
            if (!fs.exists(target)) {
                throw new IOException("could not rename " + temp + " to " + target);
            }
        }
        return fs.makeQualified(target).toString();
    }

    /** Creates the folder (and parents) if missing; returns its qualified path. */
    static String prepareFolder(Configuration conf, String folder) {
        try {
            Path dir = new Path(folder);
            FileSystem fs = fileSystem(conf, dir);
            if (!fs.mkdirs(dir)) {
                throw new IOException("could not create " + dir);
            }
            return fs.makeQualified(dir).toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare output folder " + folder, e);
        }
    }

    /**
     * Deletes temporary files left by killed task attempts; returns how many. Run on the driver
     * after the job, when no attempt is writing any more.
     */
    static int removeTemporaries(Configuration conf, String folder) {
        try {
            Path dir = new Path(folder);
            FileSystem fs = fileSystem(conf, dir);
            int removed = 0;
            for (FileStatus s : fs.listStatus(dir)) {
                String n = s.getPath().getName();
                if (s.isFile() && n.startsWith(".") && n.endsWith(TEMP_SUFFIX) && fs.delete(s.getPath(), false)) {
                    removed++;
                }
            }
            return removed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean temporary files in " + folder, e);
        }
    }

    /** The file system of a path; on the local disk the raw one, which writes no .crc side files. */
    private static FileSystem fileSystem(Configuration conf, Path path) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        return fs instanceof LocalFileSystem local ? local.getRaw() : fs;
    }
}
