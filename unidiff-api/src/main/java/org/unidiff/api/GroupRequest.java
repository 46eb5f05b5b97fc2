package org.unidiff.api;

import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.core.SamplingOptions;

import java.util.List;

/**
 * Grouped generation: several images generated together so that they stay consistent, each
 * following its own caption, some possibly given as references.
 *
 * @param slots         the group, in order; at least one slot must be generated
 * @param referenceMode how reference slots enter (null for {@link ReferenceMode#CLEAN})
 * @param guidance      what guidance amplifies (null for {@link GroupGuidance#CAPTIONS_AND_REFERENCES})
 * @param options       sampling options (null for the bundle defaults)
 */
public record GroupRequest(List<GroupSlot> slots, ReferenceMode referenceMode, GroupGuidance guidance,
                           SamplingOptions options) {

    /** Validates the slots; the bundle's maximum group size is checked when the request runs. */
    public GroupRequest {
        if (slots == null || slots.isEmpty()) {
            throw new InvalidRequestException("slots", "at least one slot", slots == null ? null : "[]");
        }
        for (int i = 0; i < slots.size(); i++) {
            if (slots.get(i) == null) {
                throw new InvalidRequestException("slots[" + i + "]", "a slot", null);
            }
        }
        slots = List.copyOf(slots);
        if (slots.stream().noneMatch(GroupSlot::generated)) {
            throw new InvalidRequestException("slots", "at least one slot to generate (a slot without reference image)",
                    slots.size() + " reference slots");
        }
        referenceMode = referenceMode == null ? ReferenceMode.CLEAN : referenceMode;
        guidance = guidance == null ? GroupGuidance.CAPTIONS_AND_REFERENCES : guidance;
        options = Prompts.orDefaults(options);
    }

    /** A group whose guidance amplifies captions and references. */
    public GroupRequest(List<GroupSlot> slots, ReferenceMode referenceMode, SamplingOptions options) {
        this(slots, referenceMode, GroupGuidance.CAPTIONS_AND_REFERENCES, options);
    }

    /** A group of slots with clean references and the given options. */
    public static GroupRequest of(List<GroupSlot> slots, SamplingOptions options) {
        return new GroupRequest(slots, ReferenceMode.CLEAN, options);
    }
}
