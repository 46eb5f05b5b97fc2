package org.unidiff.runtime.manifest;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.unidiff.runtime.ComponentKind;

/**
 * The model families a bundle may belong to ({@code family} in the manifest), each with its
 * components and the tasks it can serve. A manifest without {@code family} is
 * {@link #UNIDIFFUSER} (every version-1 bundle written before families existed).
 */
public enum BundleFamily {

    /** The joint image-text transformer of UniDiffuser: six components, every joint task. */
    UNIDIFFUSER("unidiffuser", EnumSet.allOf(ComponentKind.class), List.of("text-to-image", "image-to-text", "joint",
            "image-only", "text-only", "image-variation", "text-variation", "group", "inversion", "interpolation")),
    /**
     * In-context vision tasks after LaVin-DiT: image only (transformer over frames, VAE encoder
     * and decoder), flow matching; no text components, no {@code clip_image}, {@code text} or
     * {@code caption} sections.
     */
    IN_CONTEXT("in-context", EnumSet.of(ComponentKind.TRANSFORMER, ComponentKind.VAE_ENCODER,
            ComponentKind.VAE_DECODER), List.of("in-context"));

    private final String id;
    private final Set<ComponentKind> components;
    private final List<String> tasks;

    BundleFamily(String id, Set<ComponentKind> components, List<String> tasks) {
        this.id = id;
        this.components = components;
        this.tasks = tasks;
    }

    /** The manifest's name of the family. */
    public String id() {
        return id;
    }

    /** The components a bundle of this family has. */
    public Set<ComponentKind> components() {
        return EnumSet.copyOf(components);
    }

    /** Every task a bundle of this family can serve (a manifest's {@code tasks} is a subset). */
    public List<String> tasks() {
        return tasks;
    }

    /** Whether the family's transformer takes text and CLIP streams. */
    public boolean hasText() {
        return this == UNIDIFFUSER;
    }

    /** The family of that manifest name, if known. */
    public static Optional<BundleFamily> fromId(String id) {
        for (BundleFamily f : values()) {
            if (f.id.equals(id == null ? null : id.toLowerCase(Locale.ROOT))) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
