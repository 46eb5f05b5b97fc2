package org.unidiff.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The files an image job reads, listed on the driver the way Spark's {@code binaryFile} source
 * reads them with {@code recursiveFileLookup}: every file under a folder (subfolders included) or
 * matched by a glob, except names starting with {@code .} or {@code _} (Spark's hidden files).
 * Used to find what the source silently drops (files of 0 bytes, which Spark splits into no rows)
 * and to refuse an input that holds nothing.
 */
final class InputListing {

    private InputListing() {
    }

    /** The files read from {@code input}, as qualified path strings (Spark's {@code path} column form), with sizes. */
    static List<FileStatus> files(Configuration conf, String input) {
        try {
            Path p = new Path(input);
            FileSystem fs = p.getFileSystem(conf);
            FileStatus[] roots = fs.globStatus(p);
            List<FileStatus> out = new ArrayList<>();
            if (roots == null) {
                return out;
            }
            for (FileStatus root : roots) {
                if (root.isFile()) {
                    if (!hidden(root.getPath())) {
                        out.add(root);
                    }
                    continue;
                }
                RemoteIterator<LocatedFileStatus> it = fs.listFiles(root.getPath(), true);
                while (it.hasNext()) {
                    LocatedFileStatus f = it.next();
                    if (!hiddenBelow(f.getPath(), root.getPath())) {
                        out.add(f);
                    }
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the input " + input, e);
        }
    }

    /**
     * The files of {@code input}, refusing an input that holds none.
     *
     * @throws IllegalArgumentException naming the input, when nothing is there to read
     */
    static List<FileStatus> nonEmpty(Configuration conf, String input) {
        List<FileStatus> files = files(conf, input);
        if (files.isEmpty()) {
            throw new IllegalArgumentException("found no files to read in " + input + " (folders are searched"
                    + " recursively; names starting with '.' or '_' are skipped as Spark does)");
        }
        return files;
    }

    private static boolean hidden(Path p) {
        String n = p.getName();
        return n.startsWith(".") || n.startsWith("_");
    }

    /** Whether the file, or a folder between it and {@code root}, is hidden. */
    private static boolean hiddenBelow(Path file, Path root) {
        String r = root.toUri().getPath();
        for (Path q = file; q != null && !q.toUri().getPath().equals(r); q = q.getParent()) {
            if (hidden(q)) {
                return true;
            }
        }
        return false;
    }
}
