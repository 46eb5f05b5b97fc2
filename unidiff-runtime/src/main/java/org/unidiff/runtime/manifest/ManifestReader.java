package org.unidiff.runtime.manifest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unidiff.runtime.BundleException;

/**
 * Reads and validates {@code unidiff.json}. Unknown fields are tolerated so that older runtimes
 * can read newer bundles that only add information, but each one is logged (and reported to an
 * optional listener), because a misspelt field would otherwise silently fall back to nothing.
 */
public final class ManifestReader {

    /** The manifest's file name inside a bundle. */
    public static final String FILE_NAME = "unidiff.json";
    /** The value of {@code format}. */
    public static final String FORMAT = "unidiff-bundle";
    /** The contract version this runtime reads. */
    public static final int VERSION = 1;
    /** Sampler names a manifest's {@code defaults.sampler} may use. */
    public static final Set<String> KNOWN_SAMPLERS = Set.of("dpm-solver", "dpm-solver++", "ddim", "euler");

    private static final Logger LOG = LoggerFactory.getLogger(ManifestReader.class);

    private ManifestReader() {
    }

    /**
     * Reads the manifest of a bundle directory.
     *
     * @param bundleDir the bundle directory holding {@value #FILE_NAME}
     * @throws BundleException if the file is missing, unreadable, malformed or invalid
     */
    public static BundleManifest read(Path bundleDir) {
        return read(bundleDir, field -> { });
    }

    /**
     * Reads the manifest of a bundle directory, reporting each ignored unknown field.
     *
     * @param bundleDir      the bundle directory holding {@value #FILE_NAME}
     * @param onUnknownField receives the JSON pointer of every unknown field (they are logged as well)
     * @throws BundleException if the file is missing, unreadable, malformed or invalid
     */
    public static BundleManifest read(Path bundleDir, Consumer<String> onUnknownField) {
        String bundle = bundleDir.toString();
        Path file = bundleDir.resolve(FILE_NAME);
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BundleException(bundle, "manifest", FILE_NAME, "a readable file", "no such file", e);
        } catch (IOException e) {
            throw new BundleException(bundle, "manifest", FILE_NAME, "a readable UTF-8 file", e.toString(), e);
        }
        return parse(json, bundle, onUnknownField);
    }

    /**
     * Parses and validates manifest text.
     *
     * @param json           the manifest
     * @param bundle         the bundle's name for messages
     * @param onUnknownField receives the JSON pointer of every unknown field
     * @throws BundleException if the text is malformed or a field is invalid
     */
    public static BundleManifest parse(String json, String bundle, Consumer<String> onUnknownField) {
        ObjectMapper mapper = mapper(bundle, onUnknownField);
        BundleManifest manifest;
        try {
            manifest = mapper.readValue(json, BundleManifest.class);
        } catch (JsonMappingException e) {
            throw new BundleException(bundle, "manifest", path(e.getPath()),
                    "a value of the contract's type", e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "?"
                    : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new BundleException(bundle, "manifest", FILE_NAME, "well-formed JSON",
                    "a syntax error at " + where + ": " + e.getOriginalMessage(), e);
        }
        if (manifest == null) {
            throw new BundleException(bundle, "manifest", FILE_NAME, "a JSON object", "null");
        }
        new ManifestValidator(bundle).validate(manifest);
        return manifest;
    }

    private static ObjectMapper mapper(String bundle, Consumer<String> onUnknownField) {
        JsonMapper mapper = JsonMapper.builder()
                // 2.5 for an integer field is a broken bundle, not a number to truncate.
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .addHandler(new DeserializationProblemHandler() {
                    @Override
                    public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p,
                                                         JsonDeserializer<?> deserializer, Object beanOrClass,
                                                         String propertyName) throws IOException {
                        String pointer = p.getParsingContext().pathAsPointer().toString();
                        LOG.warn("bundle '{}': ignoring unknown manifest field '{}'", bundle, pointer);
                        onUnknownField.accept(pointer);
                        p.skipChildren();
                        return true;
                    }
                })
                .build();
        // "4" for a number is refused for the same reason.
        for (LogicalType type : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
            mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        return mapper;
    }

    private static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : refs) {
            if (ref.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? FILE_NAME : sb.toString();
    }
}
