package org.unidiff.runtime.manifest;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The explicit time grid of {@code schedule.grid}: either the name of a published grid
 * ({@link org.unidiff.sampling.solver.NamedGrids}, e.g. {@code "lavin-dit-20"}) or the list of
 * times in this library's convention (noise to data, strictly decreasing, e.g.
 * {@code [1.0, 0.5, 0.0]} for flow matching). Which form was used is kept as written; the
 * validator checks it and {@link ScheduleSpec#timeGrid()} resolves it.
 *
 * @param name  the grid's name, or null when times are listed
 * @param times the listed times, or null when a name is given
 */
public record GridSpec(String name, List<Double> times) {

    /** Freezes the list. */
    public GridSpec {
        times = times == null ? null : java.util.Collections.unmodifiableList(new ArrayList<>(times));
    }

    /** Reads either form; anything else is kept as an invalid spec with neither, refused by the validator. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static GridSpec fromJson(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return new GridSpec(node.asText(), null);
        }
        if (node.isArray()) {
            List<Double> times = new ArrayList<>();
            for (JsonNode n : node) {
                times.add(n.isNumber() ? n.asDouble() : null);
            }
            return new GridSpec(null, times);
        }
        return new GridSpec(null, null);
    }
}
