package org.unidiff.runtime.image;

import java.nio.file.Path;

/** An input image file that cannot be used: the message names the file and the reason. */
public final class ImageFileException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String reason;

    /** A refusal of {@code file} for {@code reason}. */
    public ImageFileException(Path file, String reason) {
        this(file, reason, null);
    }

    /** A refusal of {@code file} for {@code reason}, with the decoder's exception. */
    public ImageFileException(Path file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.file = file;
        this.reason = reason;
    }

    /** The file refused. */
    public Path file() {
        return file;
    }

    /** Why, without the file name. */
    public String reason() {
        return reason;
    }
}
