package org.unidiff.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.unidiff.api.SamplingOptions;
import org.unidiff.sampling.solver.SamplerKind;

/**
 * Reads the fields of one JSON request object strictly: each field must have its type, stay in
 * its limits, and no field may be unknown. Every error is a 400 problem naming the field, what it
 * must be and what was found. A {@link TaskAdapter} reads its fields through this class, so the
 * checks are the same for every task.
 */
public final class RequestReader {

    private final ObjectNode node;
    private final Limits limits;
    private final String prefix;
    private final Set<String> read = new LinkedHashSet<>();
    /** Bytes of the images decoded by this reader and its nested ones (one counter for the request). */
    private final long[] decoded;

    /**
     * @param node   the request object
     * @param limits the server's limits
     * @param prefix prefix of field names in errors ({@code "slots[1]."}), empty at the top
     */
    public RequestReader(ObjectNode node, Limits limits, String prefix) {
        this(node, limits, prefix, new long[1]);
    }

    private RequestReader(ObjectNode node, Limits limits, String prefix, long[] decoded) {
        this.node = node;
        this.limits = limits;
        this.prefix = prefix;
        this.decoded = decoded;
    }

    /** Bytes the decoded images of the whole request hold in memory (what a queued job keeps). */
    public long decodedBytes() {
        return decoded[0];
    }

    /** The server's limits. */
    public Limits limits() {
        return limits;
    }

    /** A required prompt: a non-blank string of at most the prompt limit. */
    public String prompt(String name) {
        String s = optionalString(name);
        if (s == null || s.isBlank()) {
            throw Problem.invalid(prefix + name, prefix + name + " must be a non-empty string, found "
                    + (s == null ? "nothing" : "a blank string"));
        }
        return s;
    }

    /** An optional string of at most the prompt limit, or null. */
    public String optionalString(String name) {
        JsonNode v = take(name);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw wrongType(name, "a string", v);
        }
        String s = v.textValue();
        if (s.length() > limits.maxPromptChars()) {
            throw Problem.invalid(prefix + name, prefix + name + " must have at most " + limits.maxPromptChars()
                    + " characters, found " + s.length());
        }
        return s;
    }

    /** A required image: base64 PNG within the pixel limit. */
    public BufferedImage image(String name) {
        BufferedImage image = optionalImage(name);
        if (image == null) {
            throw Problem.invalid(prefix + name, prefix + name + " must be a PNG image in base64, found nothing");
        }
        return image;
    }

    /** An optional image, or null. */
    public BufferedImage optionalImage(String name) {
        JsonNode v = take(name);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw wrongType(name, "a PNG image in base64 (a string)", v);
        }
        BufferedImage image = Pngs.decode(prefix + name, v.textValue(), limits.maxImagePixels());
        decoded[0] += Pngs.bytesHeld(image);
        return image;
    }

    /** An optional integer in {@code [min, max]}, or null. */
    public Long optionalLong(String name, long min, long max) {
        JsonNode v = take(name);
        if (v == null) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw wrongType(name, "an integer", v);
        }
        long x = v.longValue();
        if (x < min || x > max) {
            throw Problem.invalid(prefix + name, prefix + name + " must be an integer from " + min + " to " + max
                    + ", found " + x);
        }
        return x;
    }

    /** An optional finite number in {@code [min, max]}, or null. */
    public Double optionalNumber(String name, double min, double max) {
        JsonNode v = take(name);
        if (v == null) {
            return null;
        }
        if (!v.isNumber()) {
            throw wrongType(name, "a number", v);
        }
        double x = v.doubleValue();
        if (!(x >= min && x <= max)) {
            throw Problem.invalid(prefix + name, prefix + name + " must be a number from " + min + " to " + max
                    + ", found " + v.asText());
        }
        return x;
    }

    /** An optional enum value, written as its lower-case id with hyphens ({@code via-text}), or null. */
    public <E extends Enum<E>> E optionalEnum(String name, Class<E> type) {
        JsonNode v = take(name);
        if (v == null) {
            return null;
        }
        List<String> ids = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            ids.add(id(e));
        }
        if (v.isTextual()) {
            for (E e : type.getEnumConstants()) {
                if (id(e).equals(v.textValue())) {
                    return e;
                }
            }
        }
        throw Problem.invalid(prefix + name, prefix + name + " must be one of " + String.join(", ", ids)
                + ", found " + describe(v));
    }

    /**
     * A required non-empty array of objects, at most {@code max} long: each entry is read by
     * {@code read} through its own reader ({@code read} calls {@link #finish()} on it when it has
     * taken its fields, so that unknown fields are refused before the entry is built).
     */
    public <T> List<T> objects(String name, int max, java.util.function.Function<RequestReader, T> read) {
        JsonNode v = take(name);
        if (v == null || !v.isArray()) {
            throw wrongType(name, "an array of objects", v);
        }
        if (v.isEmpty() || v.size() > max) {
            throw Problem.invalid(prefix + name, prefix + name + " must hold from 1 to " + max + " entries, found "
                    + v.size());
        }
        // Every entry is checked to be an object before any is read.
        List<RequestReader> entries = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isObject()) {
                throw wrongType(name + "[" + i + "]", "an object", e);
            }
            entries.add(new RequestReader((ObjectNode) e, limits, prefix + name + "[" + i + "].", decoded));
        }
        List<T> out = new ArrayList<>(entries.size());
        for (RequestReader entry : entries) {
            out.add(read.apply(entry));
        }
        return out;
    }

    /**
     * The sampling fields: {@code seed}, {@code steps}, {@code sampler}, {@code guidanceScale},
     * {@code outputs}, {@code dataType}; unset ones take the bundle's defaults.
     */
    public SamplingOptions options() {
        Long seed = optionalLong("seed", Long.MIN_VALUE, Long.MAX_VALUE);
        Long steps = optionalLong("steps", 1, limits.maxSteps());
        String sampler = optionalString("sampler");
        if (sampler != null && !validSampler(sampler)) {
            throw Problem.invalid(prefix + "sampler", prefix + "sampler must be one of " + SamplerKind.validNames()
                    + ", found '" + sampler + "'");
        }
        Double guidance = optionalNumber("guidanceScale", 0, org.unidiff.api.SamplingOptions.MAX_GUIDANCE);
        Long outputs = optionalLong("outputs", 1, limits.maxOutputs());
        Long dataType = optionalLong("dataType", 0, Integer.MAX_VALUE);
        return new SamplingOptions(seed == null ? 0 : seed, steps == null ? null : steps.intValue(), sampler,
                guidance, outputs == null ? 1 : outputs.intValue(), dataType == null ? null : dataType.intValue());
    }

    /** Refuses fields nobody read: a misspelt field must not be silently ignored. */
    public void finish() {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!read.contains(n)) {
                throw Problem.invalid(prefix + n, "unknown field '" + prefix + n + "'; this task takes "
                        + String.join(", ", read.isEmpty() ? Set.of("no fields") : read));
            }
        }
    }

    /** Marks a field as known without reading it (the task name, read by the router). */
    void accept(String name) {
        read.add(name);
    }

    private JsonNode take(String name) {
        read.add(name);
        JsonNode v = node.get(name);
        return v == null || v.isNull() ? null : v;
    }

    private Problem wrongType(String name, String expected, JsonNode found) {
        return Problem.invalid(prefix + name, prefix + name + " must be " + expected + ", found " + describe(found));
    }

    private static boolean validSampler(String name) {
        try {
            SamplerKind.parse(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static String id(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String describe(JsonNode v) {
        if (v == null) {
            return "nothing";
        }
        String kind = switch (v.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> v.getNodeType().name().toLowerCase(Locale.ROOT);
        };
        String text = v.isContainerNode() ? "" : " " + v.toString();
        return kind + (text.length() > 60 ? text.substring(0, 57) + "..." : text);
    }
}
