package org.unidiff.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unidiff.api.tasks.FieldSpec;
import org.unidiff.api.tasks.TaskDefinition;
import org.unidiff.runtime.manifest.BundleManifest;
import org.unidiff.sampling.solver.SamplerKind;

/**
 * The document of {@code GET /api/model}: the model's name, loaded variant, family, served tasks, sizes,
 * defaults, group limit, a vocabulary hint, and the server's limits and batching settings.
 */
final class ModelInfo {

    private static final Logger LOG = LoggerFactory.getLogger(ModelInfo.class);

    /** A word-level vocabulary at most this large is listed in full as the hint. */
    private static final int MAX_LISTED_WORDS = 1000;

    private ModelInfo() {
    }

    static ObjectNode of(ObjectMapper mapper, ServedModel served, ServerConfig config) {
        BundleManifest m = served.unidiff().manifest();
        String variant = served.unidiff().variant().orElse(null);
        Path bundleDir = served.bundleDir();
        ObjectNode n = mapper.createObjectNode();
        // "id" is what a request's "model" names; "name" is the bundle's own.
        n.put("id", served.name());
        n.put("name", m.name());
        // The model-file variant the server loaded (e.g. "int8"), null for the bundle's main files.
        n.put("variant", variant);
        n.put("family", m.bundleFamily().id());
        n.put("schedule", m.schedule().type());
        n.put("prediction", m.schedule().prediction());
        n.put("license", m.license());
        ArrayNode t = n.putArray("tasks");
        served.tasks().ids().forEach(t::add);
        // Each task's fields, recorded from its reader: the page builds its forms from these.
        ObjectNode forms = n.putObject("taskFields");
        for (TaskDefinition<?, ?> task : served.tasks().all()) {
            forms.set(task.id(), fields(mapper, task.fields(config.limits().fieldLimits())));
        }
        // The in-context example folders the page offers (GET /api/models/{id}/examples/{name}).
        ArrayNode sets = n.putArray("exampleSets");
        served.examples().names().forEach(sets::add);
        ObjectNode image = n.putObject("image");
        image.put("width", m.image().width());
        image.put("height", m.image().height());
        if (m.text() != null) {
            n.putObject("text").put("tokens", m.text().tokens());   // image-only families take no text
        }
        ObjectNode defaults = n.putObject("defaults");
        defaults.put("sampler", m.defaults().sampler());
        defaults.put("steps", m.defaults().steps());
        defaults.put("guidanceScale", m.defaults().guidanceScale());
        m.dataTypeDefault().ifPresent(d -> defaults.put("dataType", d));
        n.put("groupMaxSize", config.limits().maxGroupSize());
        ArrayNode samplers = n.putArray("samplers");
        for (SamplerKind k : SamplerKind.values()) {
            samplers.add(k.id());
        }
        n.set("vocabulary", vocabulary(mapper, bundleDir));
        ObjectNode limits = n.putObject("limits");
        Limits l = config.limits();
        limits.put("maxBodyBytes", l.maxBodyBytes());
        limits.put("maxImagePixels", l.maxImagePixels());
        limits.put("maxPromptChars", l.maxPromptChars());
        limits.put("maxSteps", l.maxSteps());
        limits.put("maxOutputs", l.maxOutputs());
        limits.put("maxGroupSize", l.maxGroupSize());
        limits.put("queueCapacity", config.queueCapacity());
        ObjectNode batching = n.putObject("batching");
        batching.put("maxBatchSize", config.maxBatchSize());
        batching.put("waitMillis", config.batchWait().toMillis());
        n.put("tokenRequired", config.tokenRequired());
        return n;
    }

    private static ArrayNode fields(ObjectMapper mapper, List<FieldSpec> specs) {
        ArrayNode a = mapper.createArrayNode();
        for (FieldSpec f : specs) {
            ObjectNode o = a.addObject();
            o.put("name", f.name());
            o.put("kind", f.kind().name().toLowerCase(java.util.Locale.ROOT));
            o.put("required", f.required());
            o.put("sampling", f.sampling());
            if (f.min() != null && f.kind() != FieldSpec.Kind.LIST && Math.abs(f.min()) < 1e15) {
                o.put("min", f.min());
            }
            if (f.max() != null && Math.abs(f.max()) < 1e15) {
                o.put("max", f.max());
            }
            if (!f.choices().isEmpty()) {
                ArrayNode c = o.putArray("choices");
                f.choices().forEach(c::add);
            }
            if (!f.entries().isEmpty()) {
                o.set("entries", fields(mapper, f.entries()));
            }
        }
        return a;
    }

    /**
     * The words a word-level tokenizer knows (the default model's prompts can only use those), or
     * just the vocabulary size of a subword tokenizer.
     */
    private static ObjectNode vocabulary(ObjectMapper mapper, Path bundleDir) {
        ObjectNode v = mapper.createObjectNode();
        if (bundleDir == null) {
            v.put("hint", "unknown");
            return v;
        }
        Path file = bundleDir.resolve("text_encoder").resolve("tokenizer.json");
        try {
            if (!Files.isRegularFile(file)) {
                v.put("hint", "no tokenizer.json");
                return v;
            }
            JsonNode model = mapper.readTree(file.toFile()).path("model");
            JsonNode vocab = model.path("vocab");
            v.put("kind", model.path("type").asText("unknown"));
            // "size" counts the tokens (special ones included); "words" lists what a prompt may use.
            v.put("size", vocab.size());
            if ("WordLevel".equals(model.path("type").asText()) && vocab.size() <= MAX_LISTED_WORDS) {
                List<String> words = new ArrayList<>();
                for (Iterator<String> it = vocab.fieldNames(); it.hasNext(); ) {
                    String w = it.next();
                    if (!(w.startsWith("[") && w.endsWith("]"))) {
                        words.add(w);
                    }
                }
                ArrayNode a = v.putArray("words");
                words.forEach(a::add);
                v.put("wordCount", words.size());
                v.put("specialTokens", vocab.size() - words.size());
                v.put("hint", "prompts use these words only");
            } else {
                v.put("hint", "free text");
            }
        } catch (IOException e) {
            LOG.warn("could not read the vocabulary from {}", file, e);
            v.put("hint", "unreadable tokenizer");
        }
        return v;
    }
}
