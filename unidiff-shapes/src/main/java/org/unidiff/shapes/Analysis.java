package org.unidiff.shapes;

import java.util.Objects;
import java.util.Optional;

/** What the {@link Analyzer} found in an image: one object's attributes, or the reason there is no single object. */
public sealed interface Analysis permits Analysis.Found, Analysis.NoSingleObject {

    /** The attributes if one object was found, otherwise empty. */
    Optional<SceneAttributes> attributes();

    /** Whether the image shows exactly one object of the world on a palette background. */
    default boolean isValid() {
        return attributes().isPresent();
    }

    /**
     * The palette background, when the border is one: known for every found object and for many
     * rejected images (several objects, an unknown shape), which lets a benchmark score the
     * background of images that are not valid scenes.
     */
    Optional<Background> background();

    /**
     * The palette colour of the non-background pixels, when they fit one: known for every found
     * object and for rejected images whose trouble came after the colour fit (several regions of
     * one colour, a bad area or shape).
     */
    Optional<Color> color();

    /**
     * One object on a plain background.
     *
     * @param scene the recovered attributes
     * @param centerX estimated horizontal centre of the object's bounding box, pixels
     * @param centerY estimated vertical centre of the object's bounding box, pixels
     * @param features the measurements the attributes were decided from
     */
    record Found(SceneAttributes scene, double centerX, double centerY, ShapeFeatures features) implements Analysis {
        /** Checks the attributes and features are given. */
        public Found {
            Objects.requireNonNull(scene, "scene");
            Objects.requireNonNull(features, "features");
        }

        @Override
        public Optional<SceneAttributes> attributes() {
            return Optional.of(scene);
        }

        @Override
        public Optional<Background> background() {
            return Optional.of(scene.background());
        }

        @Override
        public Optional<Color> color() {
            return Optional.of(scene.color());
        }
    }

    /**
     * No single object of the world: empty image, several objects, unknown colours or an unknown shape.
     *
     * @param reason     what the analyzer saw, with the measured value and the accepted range
     * @param background the palette background if the border was one, else empty
     * @param color      the object colour if the colour fit was reached and passed, else empty
     */
    record NoSingleObject(String reason, Optional<Background> background, Optional<Color> color)
            implements Analysis {
        /** Checks every part is given. */
        public NoSingleObject {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(background, "background");
            Objects.requireNonNull(color, "color");
        }

        /** A rejection before anything was recognized. */
        public NoSingleObject(String reason) {
            this(reason, Optional.empty(), Optional.empty());
        }

        @Override
        public Optional<SceneAttributes> attributes() {
            return Optional.empty();
        }
    }
}
