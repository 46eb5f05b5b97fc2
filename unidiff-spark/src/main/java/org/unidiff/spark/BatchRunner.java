package org.unidiff.spark;

import java.util.ArrayList;
import java.util.List;
import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.Unidiff;
import org.unidiff.api.engine.Recipe;

/** Runs one batch of a partition's requests through {@link Unidiff#runAll}, keeping bad rows out. */
final class BatchRunner {

    private BatchRunner() {
    }

    /**
     * Runs the valid requests among {@code prepared} in one {@code runAll} call and returns one
     * outcome per entry, in order. A request the engine refuses (a check that needs the bundle,
     * such as a prompt longer than the model's tokens) makes {@code runAll} refuse the whole call,
     * so then each request runs alone and only the refused ones become errors; results are the
     * same either way because each result depends only on its own request.
     */
    static <Q, R> List<Outcome<R>> run(Unidiff unidiff, Recipe<Q, R> recipe, List<Outcome<Q>> prepared) {
        List<Q> valid = new ArrayList<>(prepared.size());
        for (Outcome<Q> p : prepared) {
            if (p.isOk()) {
                valid.add(p.value());
            }
        }
        List<Outcome<R>> results = new ArrayList<>(valid.size());
        if (!valid.isEmpty()) {
            try {
                for (R r : unidiff.runAll(recipe, valid)) {
                    results.add(Outcome.ok(r));
                }
            } catch (InvalidRequestException batchRefused) {
                results.clear();
                for (Q q : valid) {
                    try {
                        results.add(Outcome.ok(unidiff.runAll(recipe, List.of(q)).get(0)));
                    } catch (InvalidRequestException e) {
                        results.add(Outcome.failed(e.getMessage()));
                    }
                }
            }
        }
        List<Outcome<R>> out = new ArrayList<>(prepared.size());
        int next = 0;
        for (Outcome<Q> p : prepared) {
            out.add(p.isOk() ? results.get(next++) : Outcome.failed(p.error()));
        }
        return out;
    }
}
