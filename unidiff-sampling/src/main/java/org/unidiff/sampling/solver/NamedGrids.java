package org.unidiff.sampling.solver;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Time grids published with models, available by name so a bundle manifest can say
 * {@code "grid": "lavin-dit-20"} instead of listing the times.
 *
 * <p>{@value #LAVIN_DIT_20}: the 20-point grid of LaVin-DiT's inference code (19 Euler steps),
 * hand-tuned and dense near noise. LaVin-DiT writes it in its own convention, t = 0 noise and
 * t = 1 data; this library's flow-matching schedule runs the other way ({@code x_t = (1 - t) x_0
 * + t noise}, t = 1 noise), so the grid here is {@code 1 - t} of the published points, in solving
 * order (noise to data): 1, 0.9944, ..., 0.19, 0.
 */
public final class NamedGrids {

    /** The name of LaVin-DiT's 20-point grid. */
    public static final String LAVIN_DIT_20 = "lavin-dit-20";

    /** LaVin-DiT's 20 points as published, in its convention (t = 0 noise, t = 1 data). */
    static final double[] LAVIN_DIT_20_PUBLISHED = {0, .0056, .0111, .0167, .0222, .0278, .0333, .0389, .0444, .05,
            .0524, .073, .1148, .1777, .2618, .3671, .4936, .6412, .81, 1.0};

    private static final Map<String, double[]> GRIDS = Map.of(LAVIN_DIT_20, fromDataConvention(LAVIN_DIT_20_PUBLISHED));

    private NamedGrids() {
    }

    /** The grid of that name (case-insensitive), in this library's convention and solving order. */
    public static Optional<TimeGrid> named(String name) {
        if (name == null) {
            return Optional.empty();
        }
        double[] times = GRIDS.get(name.toLowerCase(Locale.ROOT));
        return times == null ? Optional.empty() : Optional.of(TimeGrid.of(times.clone()));
    }

    /** The names {@link #named} knows. */
    public static Set<String> names() {
        return new TreeSet<>(GRIDS.keySet());
    }

    /**
     * Converts a grid written with t = 0 noise and t = 1 data, increasing, into this library's
     * convention (t = 1 noise), decreasing: {@code out[i] = 1 - in[i]}.
     */
    public static double[] fromDataConvention(double[] increasing) {
        double[] out = new double[increasing.length];
        for (int i = 0; i < increasing.length; i++) {
            out[i] = 1 - increasing[i];
        }
        return out;
    }
}
