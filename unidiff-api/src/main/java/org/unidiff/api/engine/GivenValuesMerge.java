package org.unidiff.api.engine;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.unidiff.sampling.plan.GivenValues;
import org.unidiff.sampling.plan.JointShape;
import org.unidiff.sampling.plan.Stream;

/**
 * Joins the given values of several requests into the values of one solve over all their
 * samples: a value a request shares among its outputs is repeated for each of them, so sample n
 * of the solve reads exactly what it would read alone.
 */
final class GivenValuesMerge {

    private GivenValuesMerge() {
    }

    static GivenValues merge(JointShape shape, List<GivenValues> perRequest, List<Integer> outputs) {
        if (perRequest.size() == 1) {
            return perRequest.get(0);
        }
        Set<GivenValues.SlotStream> keys = new LinkedHashSet<>(perRequest.get(0).keys());
        for (int r = 1; r < perRequest.size(); r++) {
            if (!keys.equals(new LinkedHashSet<>(perRequest.get(r).keys()))) {
                throw new IllegalArgumentException("requests 0 and " + r + " of one batch give values for different "
                        + "slots (" + keys + " vs " + perRequest.get(r).keys() + "); their recipe's batchKey must "
                        + "separate them");
            }
        }
        GivenValues.Builder b = GivenValues.builder(shape);
        for (GivenValues.SlotStream key : keys) {
            List<double[]> values = new ArrayList<>();
            for (int r = 0; r < perRequest.size(); r++) {
                GivenValues g = perRequest.get(r);
                int n = outputs.get(r);
                int count = g.count(key.slot(), key.stream());
                for (int i = 0; i < n; i++) {
                    values.add(g.value(key.slot(), key.stream(), count == 1 ? 0 : i));
                }
            }
            b.perSample(key.slot(), key.stream(), values);
        }
        for (Stream stream : Stream.values()) {
            Optional<double[]> empty = perRequest.get(0).empty(stream);
            empty.ifPresent(v -> b.empty(stream, v));
        }
        return b.build();
    }
}
