package org.unidiff.api;

import org.unidiff.api.core.UnidiffException;

import java.nio.file.Path;

/**
 * An input image that cannot be used: a missing file, a file that is not an image the JDK reads
 * (a text file named {@code .png}), more pixels than the library's limit, unreadable bytes. The
 * message starts with the file (or the name given with the bytes) and says why.
 */
public final class InvalidImageException extends UnidiffException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String name;
    private final String reason;

    /**
     * A refusal of an image.
     *
     * @param file   the file, or null when the image came as bytes
     * @param name   what the image is called (the file's path, or the name given with its bytes)
     * @param reason why, without the name
     * @param cause  the decoder's or reader's exception, or null
     */
    public InvalidImageException(Path file, String name, String reason, Throwable cause) {
        super(name + ": " + reason, cause);
        this.file = file;
        this.name = name;
        this.reason = reason;
    }

    /** The file refused, or null when the image came as bytes. */
    public Path file() {
        return file;
    }

    /** What the image was called: the file's path, or the name given with its bytes. */
    public String name() {
        return name;
    }

    /** Why, without the name. */
    public String reason() {
        return reason;
    }
}
