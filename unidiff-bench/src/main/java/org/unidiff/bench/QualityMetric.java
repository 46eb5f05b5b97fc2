package org.unidiff.bench;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.unidiff.api.core.MarginalRoute;

/** The metric families of the quality benchmark, as {@code --metrics} names them. */
public enum QualityMetric {
    /** Text to image with full captions, seen and held-out pairs. */
    T2I("t2i", 1),
    /** Captioning of clean renders, seen and held-out pairs. */
    CAPTION("caption", 2),
    /** Joint image and caption. */
    JOINT("joint", 3),
    /** Joint image and caption drawn through a text latent ({@code MarginalRoute.VIA_TEXT}). */
    JOINT_VIA_TEXT("joint-via-text", 3),
    /** Unconditional images: validity and distinct scenes. */
    IMAGE_ONLY("image-only", 4),
    /** Unconditional images drawn through a text latent ({@code MarginalRoute.VIA_TEXT}). */
    IMAGE_ONLY_VIA_TEXT("image-only-via-text", 4),
    /** Unconditional captions: parse rate. */
    TEXT_ONLY("text-only", 5),
    /** Image variation: attributes kept. */
    VARIATION("variation", 6),
    /** Grouped generation without references, against independent generation. */
    GROUP("group", 7),
    /** Grouped generation with one reference image. */
    GROUP_REF("group-ref", 8),
    /** Text to image accuracy against the guidance scale. */
    GUIDANCE("guidance", 9),
    /** Clean renders through the VAE alone: the ceiling of every image task. */
    VAE("vae", 10),
    /** Clean renders inverted to noise and regenerated; the latent error against the step count. */
    INVERSION("inversion", 11),
    /** Interpolations between renders that differ in one attribute. */
    INTERPOLATION("interpolation", 12);

    private final String id;
    private final int seedSalt;

    /**
     * @param seedSalt what the metric's prompt and noise seeds derive from; a route shares its
     *                 direct counterpart's, and the numbers never change, so adding a metric
     *                 leaves every other metric's sample set as it was
     */
    QualityMetric(String id, int seedSalt) {
        this.id = id;
        this.seedSalt = seedSalt;
    }

    /** How the metric draws image-only and joint samples: the reference's one solve unless "via text". */
    MarginalRoute route() {
        return this == JOINT_VIA_TEXT || this == IMAGE_ONLY_VIA_TEXT ? MarginalRoute.VIA_TEXT : MarginalRoute.DIRECT;
    }

    /** The salt of this metric's seeds (see the constructor). */
    int seedSalt() {
        return seedSalt;
    }

    /** The name used on the command line. */
    public String id() {
        return id;
    }

    /**
     * Parses a comma-separated list of names, or "all".
     *
     * @throws IllegalArgumentException naming the unknown name and every valid one
     */
    public static Set<QualityMetric> parseList(String list) {
        if (list == null || list.isBlank() || list.strip().equalsIgnoreCase("all")) {
            return EnumSet.allOf(QualityMetric.class);
        }
        Set<QualityMetric> chosen = EnumSet.noneOf(QualityMetric.class);
        for (String part : list.split(",")) {
            String name = part.strip().toLowerCase(Locale.ROOT);
            QualityMetric metric = Arrays.stream(values()).filter(m -> m.id.equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown metric '" + part.strip()
                            + "'; expected 'all' or a comma-separated list of " + validNames()));
            chosen.add(metric);
        }
        return chosen;
    }

    /** Every valid name, comma-separated. */
    public static String validNames() {
        return Arrays.stream(values()).map(QualityMetric::id).collect(Collectors.joining(", "));
    }
}
