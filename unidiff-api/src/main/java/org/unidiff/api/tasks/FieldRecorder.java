package org.unidiff.api.tasks;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.unidiff.api.core.SamplingOptions;

/**
 * A {@link RequestFields} that answers every read with a plausible value and writes down what was
 * asked for: running a task's reader on it yields the task's fields, in the reader's order.
 */
final class FieldRecorder implements RequestFields {

    private static final int SIDE = 64;

    private final List<FieldSpec> fields = new ArrayList<>();
    private final FieldLimits limits;
    private boolean sampling;

    /** A recorder whose bounds (prompt length, steps, list sizes) are the front end's. */
    FieldRecorder(FieldLimits limits) {
        this.limits = limits;
    }

    /** The fields read so far. */
    List<FieldSpec> fields() {
        return List.copyOf(fields);
    }

    @Override
    public FieldLimits limits() {
        return limits;
    }

    @Override
    public String prompt(String name) {
        add(name, FieldSpec.Kind.TEXT, true, null, null, List.of(), List.of());
        return "a red circle";
    }

    @Override
    public String optionalString(String name) {
        add(name, FieldSpec.Kind.TEXT, false, null, null, List.of(), List.of());
        return null;
    }

    @Override
    public BufferedImage image(String name) {
        add(name, FieldSpec.Kind.IMAGE, true, null, null, List.of(), List.of());
        return new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
    }

    @Override
    public BufferedImage optionalImage(String name) {
        add(name, FieldSpec.Kind.IMAGE, false, null, null, List.of(), List.of());
        return null;
    }

    @Override
    public Long optionalLong(String name, long min, long max) {
        add(name, FieldSpec.Kind.INTEGER, false, (double) min, (double) max, List.of(), List.of());
        return null;
    }

    @Override
    public Double optionalNumber(String name, double min, double max) {
        add(name, FieldSpec.Kind.NUMBER, false, min, max, List.of(), List.of());
        return null;
    }

    @Override
    public <E extends Enum<E>> E optionalEnum(String name, Class<E> type) {
        List<String> ids = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            ids.add(RequestFields.id(e));
        }
        add(name, FieldSpec.Kind.CHOICE, false, null, null, ids, List.of());
        return null;
    }

    @Override
    public <T> List<T> objects(String name, int max, Function<RequestFields, T> read) {
        FieldRecorder entry = new FieldRecorder(limits);
        T one = read.apply(entry);
        add(name, FieldSpec.Kind.LIST, true, 1.0, (double) max, List.of(), entry.fields());
        return List.of(one);
    }

    @Override
    public SamplingOptions options() {
        sampling = true;
        try {
            // The recorder reads no sampler name, so the refusal never happens.
            return SamplingFields.read(this, sampler -> new IllegalStateException(sampler));
        } finally {
            sampling = false;
        }
    }

    @Override
    public void finish() {
    }

    private void add(String name, FieldSpec.Kind kind, boolean required, Double min, Double max, List<String> choices,
                     List<FieldSpec> entries) {
        fields.add(new FieldSpec(name, kind, required, min, max, choices, entries, sampling));
    }
}
