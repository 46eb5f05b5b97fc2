package org.unidiff.bench;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The metric families of the quality benchmark, as {@code --metrics} names them. */
public enum QualityMetric {
    /** Text to image with full captions, seen and held-out pairs. */
    T2I("t2i"),
    /** Captioning of clean renders, seen and held-out pairs. */
    CAPTION("caption"),
    /** Joint image and caption. */
    JOINT("joint"),
    /** Joint image and caption drawn through a text latent ({@code MarginalRoute.VIA_TEXT}). */
    JOINT_VIA_TEXT("joint-via-text"),
    /** Unconditional images: validity and distinct scenes. */
    IMAGE_ONLY("image-only"),
    /** Unconditional images drawn through a text latent ({@code MarginalRoute.VIA_TEXT}). */
    IMAGE_ONLY_VIA_TEXT("image-only-via-text"),
    /** Unconditional captions: parse rate. */
    TEXT_ONLY("text-only"),
    /** Image variation: attributes kept. */
    VARIATION("variation"),
    /** Grouped generation without references, against independent generation. */
    GROUP("group"),
    /** Grouped generation with one reference image. */
    GROUP_REF("group-ref"),
    /** Text to image accuracy against the guidance scale. */
    GUIDANCE("guidance"),
    /** Clean renders through the VAE alone: the ceiling of every image task. */
    VAE("vae");

    private final String id;

    QualityMetric(String id) {
        this.id = id;
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
