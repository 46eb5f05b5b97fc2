package org.unidiff.runtime.manifest;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.unidiff.runtime.ComponentKind;

/**
 * The bundle manifest {@code unidiff.json}: every field of the bundle contract. Instances returned
 * by {@link ManifestReader} are validated; nested records are never null except the optional
 * {@code data_type}.
 *
 * @param format     always {@value ManifestReader#FORMAT}
 * @param version    contract version, {@value ManifestReader#VERSION}
 * @param name       free text
 * @param license    free text
 * @param image      pixel image size
 * @param latent     VAE latent
 * @param clipImage  CLIP image embedding and its preprocessing
 * @param text       text latent and tokenizer
 * @param caption    caption search settings
 * @param schedule   noise schedule
 * @param dataType   present when the transformer takes {@code data_type}
 * @param group      group attention
 * @param defaults   recommended sampling settings
 * @param components the components by manifest key (six for UniDiffuser, three for in-context)
 * @param family     the model family ({@link BundleFamily} id), null for {@code "unidiffuser"}
 * @param tasks      the tasks the bundle serves, null for every task of its family
 */
public record BundleManifest(
        @JsonProperty("format") String format,
        @JsonProperty("version") Integer version,
        @JsonProperty("name") String name,
        @JsonProperty("license") String license,
        @JsonProperty("image") ImageSpec image,
        @JsonProperty("latent") LatentSpec latent,
        @JsonProperty("clip_image") ClipImageSpec clipImage,
        @JsonProperty("text") TextSpec text,
        @JsonProperty("caption") CaptionSpec caption,
        @JsonProperty("schedule") ScheduleSpec schedule,
        @JsonProperty("data_type") DataTypeSpec dataType,
        @JsonProperty("group") GroupSpec group,
        @JsonProperty("defaults") DefaultsSpec defaults,
        @JsonProperty("components") Map<String, ComponentSpec> components,
        @JsonProperty("family") String family,
        @JsonProperty("tasks") List<String> tasks) {

    /** Freezes the task list. */
    public BundleManifest {
        tasks = tasks == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(tasks));
    }

    /** The bundle's family (call only on a validated manifest). */
    public BundleFamily bundleFamily() {
        return family == null ? BundleFamily.UNIDIFFUSER : BundleFamily.fromId(family).orElseThrow(
                () -> new IllegalStateException("unknown family '" + family + "' in a validated manifest"));
    }

    /**
     * Whether the bundle serves the task of that id (e.g. {@code "image-to-text"}), given a recipe
     * of its family: a manifest that lists {@code tasks} serves those only, one that does not
     * serves every task of its family.
     */
    public boolean serves(String task) {
        return tasks == null || tasks.contains(task);
    }

    /** What the bundle serves, in words for errors: its task list, or every task of its family. */
    public String servedTasksInWords() {
        return tasks != null ? String.valueOf(tasks) : "every task of the " + bundleFamily().id() + " family";
    }

    /** The entry of one component (present in a validated manifest). */
    public ComponentSpec component(ComponentKind kind) {
        ComponentSpec spec = components.get(kind.key());
        if (spec == null) {
            throw new IllegalStateException("manifest has no component '" + kind.key() + "'");
        }
        return spec;
    }

    /** The data_type default, when the transformer takes that input. */
    public Optional<Long> dataTypeDefault() {
        return dataType == null ? Optional.empty() : Optional.of(dataType.defaultValue());
    }
}
