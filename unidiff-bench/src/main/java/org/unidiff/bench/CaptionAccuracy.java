package org.unidiff.bench;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.unidiff.shapes.CaptionAttributes;
import org.unidiff.shapes.CaptionParser;
import org.unidiff.shapes.SceneAttributes;

/**
 * Image to text: how often a generated caption parses, how often it is right about each attribute it states,
 * and how often it parses with every stated attribute right (the headline metric: a caption that does not
 * parse counts as wrong).
 */
public final class CaptionAccuracy {

    private final Rate parses = new Rate();
    private final Rate allRight = new Rate();
    private final Map<Attribute, Rate> perAttribute = new EnumMap<>(Attribute.class);

    /** A tally with nothing counted. */
    public CaptionAccuracy() {
        for (Attribute a : Attribute.values()) {
            perAttribute.put(a, new Rate());
        }
    }

    /** Counts one caption of an image whose true attributes are {@code truth}. */
    public void add(String caption, SceneAttributes truth) {
        Optional<CaptionAttributes> stated = CaptionParser.attributes(caption);
        parses.add(stated.isPresent());
        allRight.add(stated.isPresent() && stated.get().agreesWith(truth));
        if (stated.isPresent()) {
            for (Attribute a : Attribute.values()) {
                Optional<? extends Enum<?>> value = a.statedIn(stated.get());
                value.ifPresent(v -> perAttribute.get(a).add(v == a.of(truth)));
            }
        }
    }

    /** Captions that parse, over all captions. */
    public Rate parses() {
        return parses;
    }

    /** Captions that parse and state nothing wrong, over all captions. */
    public Rate allRight() {
        return allRight;
    }

    /** Captions right about one attribute, over parsed captions that state it. */
    public Rate attribute(Attribute attribute) {
        return perAttribute.get(attribute);
    }

    /** The rows: parse rate, one per stated attribute, then all attributes right with its target. */
    public List<MetricRow> rows(String task, Target allTarget) {
        List<MetricRow> rows = new ArrayList<>();
        rows.add(MetricRow.fraction(task, "parses", parses, Target.none()));
        for (Attribute a : Attribute.values()) {
            rows.add(MetricRow.fraction(task, a.label() + " accuracy (when stated)", perAttribute.get(a),
                    Target.none()));
        }
        rows.add(MetricRow.fraction(task, "parses, all stated attributes right", allRight, allTarget));
        return rows;
    }
}
