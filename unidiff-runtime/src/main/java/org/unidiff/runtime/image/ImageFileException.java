package org.unidiff.runtime.image;

import java.nio.file.Path;

/** An input image (a file, or bytes named by where they came from) that cannot be used: the message names it and the reason. */
public final class ImageFileException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String name;
    private final String reason;

    /** A refusal of {@code file} for {@code reason}. */
    public ImageFileException(Path file, String reason) {
        this(file, reason, null);
    }

    /** A refusal of {@code file} for {@code reason}, with the decoder's exception. */
    public ImageFileException(Path file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.file = file;
        this.name = String.valueOf(file);
        this.reason = reason;
    }

    /** A refusal of the image bytes named {@code name} (a URI, a table row's path) for {@code reason}. */
    public ImageFileException(String name, String reason, Throwable cause) {
        super(name + ": " + reason, cause);
        this.file = null;
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

    /** Why, without the file name. */
    public String reason() {
        return reason;
    }
}
