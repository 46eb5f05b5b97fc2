package org.unidiff.api.tasks;

import java.util.List;

/**
 * One field a task reads, as a form or a help text shows it: name, kind, whether it is required,
 * its bounds or choices, and for a list its entries' fields. Recorded from the task's own reader
 * ({@link TaskDefinition#fields()}), so the description cannot drift from what is read.
 *
 * @param name     the field's name
 * @param kind     its kind
 * @param required whether a request must give it
 * @param min      lowest value of a number, or null
 * @param max      highest value of a number, or most entries of a list, or null
 * @param choices  the values of an enum field (empty otherwise)
 * @param entries  the fields of each entry of a list field (empty otherwise)
 * @param sampling whether it is one of the shared sampling fields
 */
public record FieldSpec(String name, Kind kind, boolean required, Double min, Double max, List<String> choices,
                        List<FieldSpec> entries, boolean sampling) {

    /** What a field holds. */
    public enum Kind {
        /** Text (a prompt, a caption). */
        TEXT,
        /** An image. */
        IMAGE,
        /** An integer. */
        INTEGER,
        /** A number. */
        NUMBER,
        /** One of {@link #choices()}. */
        CHOICE,
        /** A list of entries, each with the fields of {@link #entries()}. */
        LIST
    }

    /** Copies the lists. */
    public FieldSpec {
        choices = List.copyOf(choices);
        entries = List.copyOf(entries);
    }
}
