package org.unidiff.spark;

import java.awt.image.BufferedImage;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.files.Images;
import org.unidiff.api.tasks.FileImages;
import org.unidiff.api.tasks.ImageDecoder;

/**
 * Image fields of a requests table given as paths on any Hadoop file system: the file's bytes
 * (at most {@link #MAX_FILE_BYTES}) read through Hadoop, then decoded by the library's one rule
 * for image bytes ({@link Images#read(String, byte[])}: size from the header before decoding, large
 * images subsampled).
 */
final class HadoopImages implements ImageDecoder {

    /** The largest image file a request may name. */
    static final long MAX_FILE_BYTES = 64L << 20;

    private final Configuration conf;

    HadoopImages(Configuration conf) {
        this.conf = conf;
    }

    /**
     * The image field of one row whose file was already read (Spark's {@code binaryFile} source):
     * the field's text names the file, {@code content} holds its bytes, decoded by the same rule.
     */
    static ImageDecoder ofBytes(byte[] content) {
        byte[] bytes = content == null ? new byte[0] : content;
        return (field, text, maxPixels) -> FileImages.checked(field, text, maxPixels, () -> Images.read(text, bytes));
    }

    @Override
    public BufferedImage decode(String field, String text, long maxPixels) {
        byte[] bytes;
        try {
            Path path = new Path(text);
            FileSystem fs = path.getFileSystem(conf);
            FileStatus status = fs.getFileStatus(path);
            if (status.isDirectory() || status.getLen() > MAX_FILE_BYTES) {
                throw InvalidRequestException.described(field, "an image file of at most " + MAX_FILE_BYTES + " bytes",
                        text + (status.isDirectory() ? " (a folder)" : " (" + status.getLen() + " bytes)"));
            }
            bytes = new byte[(int) status.getLen()];
            try (FSDataInputStream in = fs.open(path)) {
                in.readFully(0, bytes);
            }
        } catch (IllegalArgumentException | IOException e) {
            throw InvalidRequestException.described(field, "a readable image file", text + " (" + e.getMessage() + ")");
        }
        byte[] content = bytes;
        return FileImages.checked(field, text, maxPixels, () -> Images.read(text, content));
    }
}
