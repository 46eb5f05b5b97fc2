package org.unidiff.api.files;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;

/** A file the library was asked to write exists already, and replacing it was not asked for: it is kept as it was. */
public final class OutputExistsException extends FileAlreadyExistsException {

    private static final long serialVersionUID = 1L;

    /** The refusal to replace {@code target}. */
    public OutputExistsException(Path target) {
        super(target.toString(), null, "exists already; it is kept (ask to overwrite to replace it, or write "
                + "another name)");
    }
}
