package org.unidiff.api.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.unidiff.api.core.InvalidRequestException;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.sampling.solver.SamplerKind;

/**
 * The fields of one JSON request object, read strictly: each field must have its type and stay in
 * its bounds, and no field may be left unread. Images are strings turned into images by the
 * {@link ImageDecoder} the front end gives (base64 PNG over HTTP, a path in a Spark table); the
 * bytes their pixels hold are counted for the whole request, so a queue can bound what it keeps.
 */
public final class JsonRequestFields implements RequestFields {

    private final ObjectNode node;
    private final FieldLimits limits;
    private final ImageDecoder images;
    private final String prefix;
    private final Set<String> read = new LinkedHashSet<>();
    /** Bytes of the images decoded by this reader and its nested ones (one counter for the request). */
    private final long[] decoded;

    /**
     * @param node   the request object
     * @param limits the bounds to apply
     * @param images how image fields are decoded
     */
    public JsonRequestFields(ObjectNode node, FieldLimits limits, ImageDecoder images) {
        this(node, limits, images, "", new long[1]);
    }

    private JsonRequestFields(ObjectNode node, FieldLimits limits, ImageDecoder images, String prefix, long[] decoded) {
        this.node = Objects.requireNonNull(node, "node");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.images = Objects.requireNonNull(images, "images");
        this.prefix = prefix;
        this.decoded = decoded;
    }

    /** Bytes the decoded images of the whole request hold in memory (what a queued job keeps). */
    public long decodedBytes() {
        return decoded[0];
    }

    /** Marks a field as known without reading it (one a front end reads itself, such as {@code task}). */
    public JsonRequestFields accept(String name) {
        read.add(name);
        return this;
    }

    @Override
    public FieldLimits limits() {
        return limits;
    }

    @Override
    public String prompt(String name) {
        String s = optionalString(name);
        if (s == null || s.isBlank()) {
            throw InvalidRequestException.described(prefix + name, "a non-empty string",
                    s == null ? "nothing" : "a blank string");
        }
        return s;
    }

    @Override
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
            throw InvalidRequestException.described(prefix + name, "at most " + limits.maxPromptChars()
                    + " characters", s.length() + " characters");
        }
        return s;
    }

    @Override
    public BufferedImage image(String name) {
        BufferedImage image = optionalImage(name);
        if (image == null) {
            throw InvalidRequestException.described(prefix + name, "an image", "nothing");
        }
        return image;
    }

    @Override
    public BufferedImage optionalImage(String name) {
        JsonNode v = take(name);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw wrongType(name, "an image (a string)", v);
        }
        BufferedImage image = images.decode(prefix + name, v.textValue(), limits.maxImagePixels());
        decoded[0] += bytesHeld(image);
        return image;
    }

    @Override
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
            throw InvalidRequestException.described(prefix + name, "an integer from " + min + " to " + max,
                    Long.toString(x));
        }
        return x;
    }

    @Override
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
            throw InvalidRequestException.described(prefix + name, "a number from " + min + " to " + max, v.asText());
        }
        return x;
    }

    @Override
    public <E extends Enum<E>> E optionalEnum(String name, Class<E> type) {
        JsonNode v = take(name);
        if (v == null) {
            return null;
        }
        List<String> ids = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            ids.add(RequestFields.id(e));
            if (v.isTextual() && RequestFields.id(e).equals(v.textValue())) {
                return e;
            }
        }
        throw InvalidRequestException.described(prefix + name, "one of " + String.join(", ", ids), describe(v));
    }

    @Override
    public <T> List<T> objects(String name, int max, Function<RequestFields, T> read) {
        JsonNode v = take(name);
        if (v == null || !v.isArray()) {
            throw wrongType(name, "an array of objects", v);
        }
        if (v.isEmpty() || v.size() > max) {
            throw InvalidRequestException.described(prefix + name, "an array holding from 1 to " + max + " entries",
                    v.size() + " entries");
        }
        // Every entry is checked to be an object before any is read (and its images decoded).
        List<JsonRequestFields> entries = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isObject()) {
                throw wrongType(name + "[" + i + "]", "an object", e);
            }
            entries.add(new JsonRequestFields((ObjectNode) e, limits, images, prefix + name + "[" + i + "].", decoded));
        }
        List<T> out = new ArrayList<>(entries.size());
        for (JsonRequestFields entry : entries) {
            out.add(read.apply(entry));
        }
        return out;
    }

    @Override
    public SamplingOptions options() {
        return SamplingFields.read(this, sampler -> InvalidRequestException.described(prefix + "sampler",
                "one of " + SamplerKind.validNames(), "'" + sampler + "'"));
    }

    @Override
    public void finish() {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!read.contains(n)) {
                throw InvalidRequestException.described(prefix + n, "a field this task takes ("
                        + String.join(", ", read.isEmpty() ? Set.of("none") : read) + ")", "unknown field '"
                        + prefix + n + "'");
            }
        }
    }

    /** Bytes an image's pixels hold in memory. */
    public static long bytesHeld(BufferedImage image) {
        java.awt.image.DataBuffer buffer = image.getRaster().getDataBuffer();
        return (long) buffer.getSize() * buffer.getNumBanks()
                * java.awt.image.DataBuffer.getDataTypeSize(buffer.getDataType()) / 8;
    }

    private JsonNode take(String name) {
        read.add(name);
        JsonNode v = node.get(name);
        return v == null || v.isNull() ? null : v;
    }

    private InvalidRequestException wrongType(String name, String expected, JsonNode found) {
        return InvalidRequestException.described(prefix + name, expected, describe(found));
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
        String text = v.isContainerNode() ? "" : " " + v;
        return kind + (text.length() > 60 ? text.substring(0, 57) + "..." : text);
    }
}
