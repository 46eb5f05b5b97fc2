package org.unidiff.sampling.schedule;

/** How the discrete betas of a VP schedule are spaced between {@code betaStart} and {@code betaEnd}. */
public enum BetaSchedule {
    /** {@code linspace(sqrt(start), sqrt(end), n)^2}, Stable Diffusion's and UniDiffuser's choice. */
    SCALED_LINEAR,
    /** {@code linspace(start, end, n)}, the original DDPM choice. */
    LINEAR;

    /**
     * The {@code n} betas of this spacing, computed in double precision.
     *
     * @throws IllegalArgumentException if {@code n < 2} or the bounds are not in (0, 1) with start &lt; end
     */
    public double[] betas(double betaStart, double betaEnd, int n) {
        if (n < 2) {
            throw new IllegalArgumentException("train steps must be at least 2, got " + n);
        }
        if (!(betaStart > 0 && betaEnd < 1 && betaStart < betaEnd)) {
            throw new IllegalArgumentException(
                    "betas must satisfy 0 < beta_start < beta_end < 1, got " + betaStart + ", " + betaEnd);
        }
        double[] betas = new double[n];
        double a = this == SCALED_LINEAR ? Math.sqrt(betaStart) : betaStart;
        double b = this == SCALED_LINEAR ? Math.sqrt(betaEnd) : betaEnd;
        for (int i = 0; i < n; i++) {
            double v = a + (b - a) * i / (n - 1);
            betas[i] = this == SCALED_LINEAR ? v * v : v;
        }
        return betas;
    }

    /** Parses the manifest spelling ({@code "scaled_linear"} or {@code "linear"}). */
    public static BetaSchedule fromManifestName(String name) {
        switch (name) {
            case "scaled_linear":
                return SCALED_LINEAR;
            case "linear":
                return LINEAR;
            default:
                throw new IllegalArgumentException(
                        "unknown beta_schedule '" + name + "', expected 'scaled_linear' or 'linear'");
        }
    }
}
