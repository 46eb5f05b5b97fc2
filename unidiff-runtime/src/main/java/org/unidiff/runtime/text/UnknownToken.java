package org.unidiff.runtime.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The id of a {@code tokenizer.json}'s unknown token, read from its model section, because DJL's
 * tokenizer does not expose it: {@code unk_token} looked up in the vocabulary (WordLevel,
 * WordPiece, BPE) or {@code unk_id} (Unigram). Empty when the model has none.
 */
final class UnknownToken {

    private UnknownToken() {
    }

    static OptionalLong id(Path tokenizerJson) throws IOException {
        JsonNode model = new ObjectMapper().readTree(tokenizerJson.toFile()).path("model");
        if (model.path("unk_id").isIntegralNumber()) {
            return OptionalLong.of(model.path("unk_id").asLong());
        }
        JsonNode token = model.path("unk_token");
        JsonNode vocab = model.path("vocab");
        if (token.isTextual() && vocab.isObject() && vocab.path(token.asText()).isIntegralNumber()) {
            return OptionalLong.of(vocab.path(token.asText()).asLong());
        }
        return OptionalLong.empty();
    }
}
