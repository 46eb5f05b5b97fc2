package org.unidiff.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SaveMode;

/**
 * What a job does with its output folder, by Spark's save modes, checked on the driver before any
 * work: {@link SaveMode#ErrorIfExists} (the default) refuses an existing output,
 * {@link SaveMode#Overwrite} removes the whole output first (so no file of an earlier run is left
 * beside the new index), {@link SaveMode#Append} adds to it, {@link SaveMode#Ignore} leaves an
 * existing output as it is and runs nothing. Whatever the mode, the output may not be an input,
 * lie inside one, or hold one: a job never deletes or writes among the data it reads.
 */
public final class JobOutput {

    private JobOutput() {
    }

    /** What to do after {@link #prepare}. */
    public enum Decision {
        /** Run the job and write. */
        WRITE,
        /** The output exists and the mode is {@link SaveMode#Ignore}: run nothing. */
        SKIP
    }

    /**
     * Parses a mode as the command line takes it: {@code error} (or {@code errorifexists}),
     * {@code overwrite}, {@code append}, {@code ignore}, in any case.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static SaveMode parseMode(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "error", "errorifexists", "default" -> SaveMode.ErrorIfExists;
            case "overwrite" -> SaveMode.Overwrite;
            case "append" -> SaveMode.Append;
            case "ignore" -> SaveMode.Ignore;
            default -> throw new IllegalArgumentException("save mode must be one of error, overwrite, append, ignore;"
                    + " found '" + text + "'");
        };
    }

    /**
     * Checks {@code output} against {@code inputs} and applies {@code mode}: refuses an overlap
     * and (ErrorIfExists) an existing output, removes the output (Overwrite), or says to skip
     * (Ignore, when it exists).
     *
     * @param inputs the paths or globs the job reads (a glob counts from its folder before the first
     *               wildcard)
     * @throws IllegalArgumentException naming the paths and what to do instead
     */
    public static Decision prepare(Configuration conf, String output, List<String> inputs, SaveMode mode) {
        try {
            Path out = qualified(conf, new Path(output));
            for (String input : inputs) {
                for (Path read : readPaths(conf, input)) {
                    Path in = qualified(conf, read);
                    if (within(out, in) || within(in, out)) {
                        throw new IllegalArgumentException("the output " + out + " overlaps the input " + in
                                + " (the same folder, or one inside the other): a job never writes among the data"
                                + " it reads; choose an output folder outside the input");
                    }
                }
            }
            FileSystem fs = out.getFileSystem(conf);
            boolean exists = fs.exists(out);
            if (!exists) {
                return Decision.WRITE;
            }
            return switch (mode) {
                case ErrorIfExists -> throw new IllegalArgumentException("the output " + out + " exists; nothing was"
                        + " changed. Choose another folder, or say what to do with it: --mode overwrite (replace"
                        + " it entirely), append (add to it) or ignore (leave it and run nothing)");
                case Ignore -> Decision.SKIP;
                case Append -> Decision.WRITE;
                case Overwrite -> {
                    if (!fs.delete(out, true)) {
                        throw new IOException("could not remove " + out + " to overwrite it");
                    }
                    yield Decision.WRITE;
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check the output folder " + output, e);
        }
    }

    /** Whether {@code inner} is {@code outer} or lies inside it. */
    static boolean within(Path inner, Path outer) {
        String i = inner.toUri().normalize().toString();
        String o = outer.toUri().normalize().toString();
        String oSlash = o.endsWith("/") ? o : o + "/";
        String iSlash = i.endsWith("/") ? i : i + "/";
        return iSlash.startsWith(oSlash);
    }

    /**
     * What an input reads: a plain path itself; a glob, the paths it matches now (a folder beside
     * the matched files is not read, so an output there is allowed), or its folder when it
     * matches nothing yet.
     */
    private static java.util.List<Path> readPaths(Configuration conf, String input) throws IOException {
        Path p = new Path(input);
        if (!hasWildcard(input)) {
            return java.util.List.of(p);
        }
        org.apache.hadoop.fs.FileStatus[] matches = p.getFileSystem(conf).globStatus(p);
        if (matches == null || matches.length == 0) {
            return java.util.List.of(globRoot(input));
        }
        return java.util.Arrays.stream(matches).map(org.apache.hadoop.fs.FileStatus::getPath).toList();
    }

    /** The folder a glob starts from (the path itself when it has no wildcard). */
    static Path globRoot(String pathOrGlob) {
        Path root = new Path(pathOrGlob);
        for (Path q = root; q != null; q = q.getParent()) {
            if (hasWildcard(q.getName())) {
                root = q.getParent();
            }
        }
        return root == null || root.toString().isEmpty() ? new Path(".") : root;
    }

    private static boolean hasWildcard(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0 || s.indexOf('{') >= 0;
    }

    /** Fully qualified, and on the local disk with symbolic links resolved where the path exists. */
    private static Path qualified(Configuration conf, Path p) throws IOException {
        Path q = p.getFileSystem(conf).makeQualified(p);
        URI uri = q.toUri();
        if ("file".equals(uri.getScheme())) {
            java.nio.file.Path local = java.nio.file.Path.of(uri).normalize();
            // Resolve links through the deepest part that exists, so a link to the input is caught.
            java.nio.file.Path existing = local;
            while (existing != null && !java.nio.file.Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing != null) {
                local = existing.toRealPath().resolve(existing.relativize(local));
            }
            return new Path(local.toUri());
        }
        return q;
    }
}
