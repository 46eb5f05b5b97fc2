package org.unidiff.api.tasks;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.function.Function;
import org.unidiff.api.core.SamplingOptions;

/**
 * The fields of one request as a task reads them, whatever carried them: a JSON object (the HTTP
 * service, a Spark table's request column), command-line options (the CLI). A task's reader asks
 * for each field by name and type; the source checks type and bounds and names the field in its
 * error, so every front end refuses bad input the same way.
 *
 * <p>Field names are shared by all tasks: {@code prompt}, {@code image}, {@code route},
 * {@code slots}, {@code examples}, {@code query}, and the sampling fields of {@link #options()}.
 *
 * <p>Every method refuses a bad value with an {@link org.unidiff.api.core.InvalidRequestException}
 * naming the field at fault (a front end may use a refusal of its own for an undecodable image).
 */
public interface RequestFields {

    /** The bounds this source applies. */
    FieldLimits limits();

    /** A required prompt: a non-blank string within the prompt limit. */
    String prompt(String name);

    /** An optional string within the prompt limit, or null. */
    String optionalString(String name);

    /** A required image within the pixel limit. */
    BufferedImage image(String name);

    /** An optional image, or null. */
    BufferedImage optionalImage(String name);

    /** An optional integer in {@code [min, max]}, or null. */
    Long optionalLong(String name, long min, long max);

    /** An optional finite number in {@code [min, max]}, or null. */
    Double optionalNumber(String name, double min, double max);

    /** An optional enum value, written as its lower-case id with hyphens ({@code via-text}), or null. */
    <E extends Enum<E>> E optionalEnum(String name, Class<E> type);

    /**
     * A required list of 1 to {@code max} entries, each a group of fields read by {@code read}
     * (which calls {@link #finish()} on the entry once it has taken its fields).
     */
    <T> List<T> objects(String name, int max, Function<RequestFields, T> read);

    /**
     * The sampling fields {@code seed}, {@code steps}, {@code sampler}, {@code guidanceScale},
     * {@code outputs}, {@code dataType}; unset ones take the bundle's defaults.
     */
    SamplingOptions options();

    /** Refuses fields nobody read: a misspelt field must not be silently ignored. */
    void finish();

    /** The lower-case id with hyphens of an enum value ({@code VIA_TEXT} is {@code via-text}). */
    static String id(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
