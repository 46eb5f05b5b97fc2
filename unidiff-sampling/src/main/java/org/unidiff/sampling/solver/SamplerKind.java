package org.unidiff.sampling.solver;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/** The samplers a request or a bundle manifest can name, with their spellings. */
public enum SamplerKind {
    /** Singlestep DPM-Solver-3, the original UniDiffuser sampler: the one that reproduces the reference. */
    DPM_SOLVER("dpm-solver"),
    /** Multistep DPM-Solver++-3 as diffusers configures UniDiffuser: close to, not identical with, diffusers. */
    DPM_SOLVER_PLUS_PLUS("dpm-solver++"),
    /** Deterministic DDIM. */
    DDIM("ddim"),
    /** Euler on the probability-flow ODE, the usual flow-matching sampler. */
    EULER("euler");

    private final String id;

    SamplerKind(String id) {
        this.id = id;
    }

    /** The name used in requests and manifests, e.g. {@code "dpm-solver++"}. */
    public String id() {
        return id;
    }

    /**
     * Parses a sampler name, ignoring case and surrounding blanks.
     *
     * @throws IllegalArgumentException naming the valid names if {@code name} is none of them
     */
    public static SamplerKind parse(String name) {
        Objects.requireNonNull(name, "sampler name");
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (SamplerKind kind : values()) {
            if (kind.id.equals(wanted)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown sampler '" + name + "', expected one of: " + validNames());
    }

    /** The valid names, comma separated, in declaration order. */
    public static String validNames() {
        return Arrays.stream(values()).map(SamplerKind::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id;
    }
}
