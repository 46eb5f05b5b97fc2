package org.unidiff.shapes;

import java.util.Objects;
import java.util.Optional;

/**
 * What a caption of the shapes-world grammar states: always the shape, and any of size, colour, position and
 * background. {@link #text()} is the caption itself, so this record is both what {@link Captions} writes and
 * what {@link CaptionParser} reads back.
 *
 * @param size stated size, if any
 * @param color stated object colour, if any
 * @param shape stated shape (always present)
 * @param position stated grid cell, if any
 * @param background stated background, if any
 */
public record CaptionAttributes(Optional<Size> size, Optional<Color> color, Shape shape,
                                Optional<Position> position, Optional<Background> background) {

    /** Checks that the optionals are non-null and the shape is given. */
    public CaptionAttributes {
        Objects.requireNonNull(size, "size (use Optional.empty())");
        Objects.requireNonNull(color, "color (use Optional.empty())");
        Objects.requireNonNull(shape, "shape: every caption names the shape");
        Objects.requireNonNull(position, "position (use Optional.empty())");
        Objects.requireNonNull(background, "background (use Optional.empty())");
    }

    /** Every attribute of the scene: the full caption. */
    public static CaptionAttributes full(SceneAttributes scene) {
        return new CaptionAttributes(Optional.of(scene.size()), Optional.of(scene.color()), scene.shape(),
                Optional.of(scene.position()), Optional.of(scene.background()));
    }

    /** Every attribute of the scene: the full caption. */
    public static CaptionAttributes full(Scene scene) {
        return full(SceneAttributes.of(scene));
    }

    /** The stated subset of the scene's attributes; the shape is always stated. */
    public static CaptionAttributes of(Scene scene, boolean withSize, boolean withColor, boolean withPosition,
                                       boolean withBackground) {
        return new CaptionAttributes(
                withSize ? Optional.of(scene.size()) : Optional.empty(),
                withColor ? Optional.of(scene.color()) : Optional.empty(),
                scene.shape(),
                withPosition ? Optional.of(scene.position()) : Optional.empty(),
                withBackground ? Optional.of(scene.background()) : Optional.empty());
    }

    /** Whether all five attributes are stated. */
    public boolean isFull() {
        return size.isPresent() && color.isPresent() && position.isPresent() && background.isPresent();
    }

    /** Number of stated attributes, 1 (shape only) to 5. */
    public int statedCount() {
        return 1 + (size.isPresent() ? 1 : 0) + (color.isPresent() ? 1 : 0) + (position.isPresent() ? 1 : 0)
                + (background.isPresent() ? 1 : 0);
    }

    /** Whether every stated attribute equals the corresponding attribute of {@code scene}. */
    public boolean agreesWith(SceneAttributes scene) {
        return shape == scene.shape()
                && size.map(s -> s == scene.size()).orElse(true)
                && color.map(c -> c == scene.color()).orElse(true)
                && position.map(p -> p == scene.position()).orElse(true)
                && background.map(b -> b == scene.background()).orElse(true);
    }

    /** Whether every stated attribute equals the corresponding attribute of {@code scene}. */
    public boolean agreesWith(Scene scene) {
        return agreesWith(SceneAttributes.of(scene));
    }

    /**
     * The caption: {@code a [size] [color] shape [position] [on a background background]}, lower case, words
     * separated by single spaces.
     */
    public String text() {
        StringBuilder text = new StringBuilder("a");
        size.ifPresent(s -> text.append(' ').append(s.word()));
        color.ifPresent(c -> text.append(' ').append(c.word()));
        text.append(' ').append(shape.word());
        position.ifPresent(p -> text.append(' ').append(p.phrase()));
        background.ifPresent(b -> text.append(" on a ").append(b.word()).append(" background"));
        return text.toString();
    }
}
