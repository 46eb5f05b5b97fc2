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
    }

    /**
     * No single object of the world: empty image, several objects, unknown colours or an unknown shape.
     *
     * @param reason what the analyzer saw, with the measured value and the accepted range
     */
    record NoSingleObject(String reason) implements Analysis {
        /** Checks the reason is given. */
        public NoSingleObject {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public Optional<SceneAttributes> attributes() {
            return Optional.empty();
        }
    }
}
