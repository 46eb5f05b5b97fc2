package org.unidiff.api.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.unidiff.api.core.InvalidRequestException;

/**
 * A request written as {@code FIELD=VALUE} words (a command line): {@code prompt=a red circle},
 * {@code steps=20}, {@code examples[1].input=a.png}. Values become JSON by the task's recorded
 * fields (an integer field's value a number, an image field's a path), so the request is then read
 * by {@link JsonRequestFields} with the same checks as every other front end.
 */
public final class FieldAssignments {

    private static final Pattern PATH = Pattern.compile("([A-Za-z][A-Za-z0-9]*)(?:\\[(\\d{1,4})\\]\\.([A-Za-z][A-Za-z0-9]*))?");

    private FieldAssignments() {
    }

    /**
     * The request object of {@code assignments} for {@code task}, merged into {@code base} (a
     * request read from a file, or an empty object).
     *
     * @throws InvalidRequestException for a word without '=' or a malformed field name
     */
    public static ObjectNode toJson(TaskDefinition<?, ?> task, List<String> assignments, ObjectNode base,
                                    FieldLimits limits) {
        ObjectNode root = base == null ? JsonNodeFactory.instance.objectNode() : base;
        List<FieldSpec> fields = task.fields(limits);
        for (String a : assignments) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new InvalidRequestException("field", "FIELD=VALUE (e.g. prompt=\"a red circle\" or steps=20)", a);
            }
            String name = a.substring(0, eq);
            String value = a.substring(eq + 1);
            Matcher m = PATH.matcher(name);
            if (!m.matches()) {
                throw new InvalidRequestException("field", "a field name such as prompt or examples[0].input", name);
            }
            if (m.group(2) == null) {
                root.set(name, value(spec(fields, name), value));
                continue;
            }
            int index = Integer.parseInt(m.group(2));
            if (index >= limits.maxEntries()) {
                throw new InvalidRequestException(name, "an entry index below " + limits.maxEntries(), index);
            }
            JsonNode list = root.get(m.group(1));
            ArrayNode array = list instanceof ArrayNode ? (ArrayNode) list : root.putArray(m.group(1));
            while (array.size() <= index) {
                array.addObject();
            }
            FieldSpec listSpec = spec(fields, m.group(1));
            FieldSpec entry = listSpec == null ? null : spec(listSpec.entries(), m.group(3));
            ((ObjectNode) array.get(index)).set(m.group(3), value(entry, value));
        }
        return root;
    }

    private static FieldSpec spec(List<FieldSpec> fields, String name) {
        return fields.stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
    }

    /** A number where the field takes one and the text is one; otherwise the text (refused later, by name). */
    private static JsonNode value(FieldSpec spec, String text) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (spec != null && spec.kind() == FieldSpec.Kind.INTEGER) {
            try {
                return f.numberNode(Long.parseLong(text.strip()));
            } catch (NumberFormatException e) {
                return f.textNode(text);
            }
        }
        if (spec != null && spec.kind() == FieldSpec.Kind.NUMBER) {
            try {
                return f.numberNode(Double.parseDouble(text.strip()));
            } catch (NumberFormatException e) {
                return f.textNode(text);
            }
        }
        return f.textNode(text);
    }
}
