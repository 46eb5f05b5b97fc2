package org.unidiff.runtime.manifest;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.unidiff.runtime.ComponentKind;

/**
 * The model families a bundle may belong to ({@code family} in the manifest), each with its
 * components. Which tasks a family serves is not listed here: each task's recipe says the family
 * it runs on, and a manifest may narrow its bundle to a list of task ids ({@code tasks}). A
 * manifest without {@code family} is {@link #UNIDIFFUSER} (every version-1 bundle written before
 * families existed).
 */
public enum BundleFamily {

    /** The joint image-text transformer of UniDiffuser: six components, every joint task. */
    UNIDIFFUSER("unidiffuser", EnumSet.allOf(ComponentKind.class)),
    /**
     * In-context vision tasks after LaVin-DiT: image only (transformer over frames, VAE encoder
     * and decoder), flow matching; no text components, no {@code clip_image}, {@code text} or
     * {@code caption} sections.
     */
    IN_CONTEXT("in-context", EnumSet.of(ComponentKind.TRANSFORMER, ComponentKind.VAE_ENCODER,
            ComponentKind.VAE_DECODER));

    private final String id;
    private final Set<ComponentKind> components;

    BundleFamily(String id, Set<ComponentKind> components) {
        this.id = id;
        this.components = components;
    }

    /** The manifest's name of the family. */
    public String id() {
        return id;
    }

    /** The components a bundle of this family has. */
    public Set<ComponentKind> components() {
        return EnumSet.copyOf(components);
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
