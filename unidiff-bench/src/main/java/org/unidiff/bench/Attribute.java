package org.unidiff.bench;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.unidiff.shapes.CaptionAttributes;
import org.unidiff.shapes.SceneAttributes;

/** The five captioned attributes of a shapes-world scene, as the metrics score them one by one. */
public enum Attribute {
    /** Background colour. */
    BACKGROUND,
    /** Object colour. */
    COLOR,
    /** Object shape. */
    SHAPE,
    /** Object size. */
    SIZE,
    /** Grid cell. */
    POSITION;

    /** The attributes a group shares: background, colour and size. */
    public static final Set<Attribute> STYLE = Set.copyOf(EnumSet.of(BACKGROUND, COLOR, SIZE));

    /** The lower-case name used in metric names. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** This attribute's value in a scene. */
    public Enum<?> of(SceneAttributes scene) {
        return switch (this) {
            case BACKGROUND -> scene.background();
            case COLOR -> scene.color();
            case SHAPE -> scene.shape();
            case SIZE -> scene.size();
            case POSITION -> scene.position();
        };
    }

    /** The value a caption states for this attribute, or empty if the caption leaves it out. */
    public Optional<? extends Enum<?>> statedIn(CaptionAttributes caption) {
        return switch (this) {
            case BACKGROUND -> caption.background();
            case COLOR -> caption.color();
            case SHAPE -> Optional.of(caption.shape());
            case SIZE -> caption.size();
            case POSITION -> caption.position();
        };
    }
}
