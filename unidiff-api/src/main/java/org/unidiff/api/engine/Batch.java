package org.unidiff.api.engine;

import java.util.List;

/**
 * Requests of one recipe whose shared sampling settings and batch keys agree, with their resolved
 * options: what a {@link Recipe} runs as one solve per stage.
 *
 * @param <Q> the request type
 */
public final class Batch<Q> {

    private final List<Q> requests;
    private final List<ResolvedOptions> options;

    Batch(List<Q> requests, List<ResolvedOptions> options) {
        if (requests.isEmpty() || requests.size() != options.size()) {
            throw new IllegalArgumentException("a batch needs one resolved option set per request, got "
                    + requests.size() + " requests and " + options.size() + " option sets");
        }
        this.requests = List.copyOf(requests);
        this.options = List.copyOf(options);
    }

    /** Number of requests. */
    public int size() {
        return requests.size();
    }

    /** Request {@code i}. */
    public Q request(int i) {
        return requests.get(i);
    }

    /** The resolved options of request {@code i}. */
    public ResolvedOptions options(int i) {
        return options.get(i);
    }

    /** All requests, in order. */
    public List<Q> requests() {
        return requests;
    }

    /** The resolved options of all requests, in order. */
    public List<ResolvedOptions> options() {
        return options;
    }

    /** Outputs of all requests together: the samples of one solve. */
    public int totalOutputs() {
        int n = 0;
        for (ResolvedOptions o : options) {
            n += o.outputs();
        }
        return n;
    }
}
