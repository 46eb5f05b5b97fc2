package org.unidiff.api.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything that made a result, with bundle defaults resolved, so a result can be reproduced
 * and recorded (the example apps write it into each PNG's text chunk).
 *
 * @param task          the task
 * @param model         the bundle's name
 * @param prompts       the text inputs (prompt, or one caption per group slot); empty if none
 * @param seed          the request seed; output i used noise derived from (seed, i)
 * @param steps         solver steps
 * @param sampler       solver name
 * @param guidanceScale guidance scale actually used
 * @param outputs       number of outputs
 * @param dataType      data_type fed to the transformer, or null if the model takes none
 * @param route         the {@link MarginalRoute} id for image-only and joint, else null
 * @param unknownWords  words of the prompts the model's tokenizer does not know (the model saw them as
 *                      nothing or as one generic token), in order, each once; empty when it knew them all
 */
public record GenerationParameters(Task task, String model, List<String> prompts, long seed, int steps,
                                   String sampler, double guidanceScale, int outputs, Integer dataType,
                                   String route, List<String> unknownWords) {

    /** Copies the lists. */
    public GenerationParameters {
        prompts = List.copyOf(prompts);
        unknownWords = unknownWords == null ? List.of() : List.copyOf(unknownWords);
    }

    /** Parameters without unknown words. */
    public GenerationParameters(Task task, String model, List<String> prompts, long seed, int steps, String sampler,
                                double guidanceScale, int outputs, Integer dataType, String route) {
        this(task, model, prompts, seed, steps, sampler, guidanceScale, outputs, dataType, route, List.of());
    }

    /** A copy with the given unknown words. */
    public GenerationParameters withUnknownWords(List<String> words) {
        return new GenerationParameters(task, model, prompts, seed, steps, sampler, guidanceScale, outputs, dataType,
                route, words);
    }

    /** A warning for the user when the prompts had words the model does not know, else empty. */
    public java.util.Optional<String> warning() {
        return unknownWords.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of("model '" + model
                + "' does not know " + (unknownWords.size() == 1 ? "the word " : "the words ") + String.join(", ",
                unknownWords.stream().map(w -> "'" + w + "'").toList()) + "; it saw them as nothing or as one "
                + "generic token");
    }

    /** Key-value pairs for a PNG tEXt chunk or a log line, in a stable order. */
    public Map<String, String> asText() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("task", task.id());
        m.put("model", model);
        for (int i = 0; i < prompts.size(); i++) {
            m.put(prompts.size() == 1 ? "prompt" : "prompt." + i, prompts.get(i));
        }
        m.put("seed", Long.toString(seed));
        m.put("steps", Integer.toString(steps));
        m.put("sampler", sampler);
        m.put("guidance_scale", Double.toString(guidanceScale));
        m.put("outputs", Integer.toString(outputs));
        if (dataType != null) {
            m.put("data_type", dataType.toString());
        }
        if (route != null) {
            m.put("route", route);
        }
        if (!unknownWords.isEmpty()) {
            m.put("unknown_words", String.join(" ", unknownWords));
        }
        return m;
    }
}
