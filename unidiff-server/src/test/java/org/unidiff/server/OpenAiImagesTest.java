package org.unidiff.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.unidiff.api.ImageResult;
import org.unidiff.api.core.SamplingOptions;
import org.unidiff.api.TextToImageRequest;
import org.unidiff.server.TestServers.Client;
import org.unidiff.server.TestServers.Reply;

/** The OpenAI-compatible images endpoint: its shapes and errors, and the official openai client against it. */
class OpenAiImagesTest {

    private static final String PROMPT = "a large red circle in the center on a black background";

    /** Batching off, so each result is bit for bit the library's call alone. */
    private static ServerConfig config(String token) {
        return TestServers.config().withBatching(1, Duration.ZERO).withToken(token);
    }

    private static ImageResult library(long seed, int n) {
        return TestServers.model().textToImage(new TextToImageRequest(PROMPT,
                SamplingOptions.defaults().withSeed(seed).withSteps(3).withOutputs(n)));
    }

    @Test
    void generationsAnswerTheOpenAiShapeWithTheLibrarysImages() {
        try (UnidiffServer server = TestServers.start(config(null))) {
            Client client = new Client(server);
            ObjectNode body = TestServers.MAPPER.createObjectNode().put("model", "dall-e-3").put("prompt", PROMPT)
                    .put("n", 2).put("size", "64x64").put("response_format", "b64_json").put("seed", 5)
                    .put("steps", 3).put("quality", "standard");
            Reply r = client.post(OpenAiImages.PATH, body);
            assertEquals(200, r.status(), r.raw().body());
            assertTrue(r.json().path("created").asLong() > 1_600_000_000L);
            ImageResult want = library(5, 2);
            assertEquals(2, r.json().path("data").size());
            for (int i = 0; i < 2; i++) {
                assertEquals(Pngs.encode(want.images().get(i)), r.json().path("data").get(i).path("b64_json").asText());
            }
        }
    }

    @Test
    void errorsAreOpenAiErrorObjectsNamingTheParameter() {
        try (UnidiffServer server = TestServers.start(config(null))) {
            Client client = new Client(server);
            String[][] cases = {
                {"{\"prompt\": \"a\", \"size\": \"1024x1024\"}", "size", "64x64"},
                {"{\"prompt\": \"a\", \"response_format\": \"url\"}", "response_format", "b64_json"},
                {"{\"prompt\": \"a\", \"n\": 99}", "n", "from 1 to"},
                {"{\"prompt\": \"a\", \"colour\": \"red\"}", "colour", "unknown field"},
                {"{\"n\": 1}", "prompt", "prompt"},
            };
            for (String[] c : cases) {
                Reply r = client.post(OpenAiImages.PATH, c[0]);
                assertEquals(400, r.status(), c[0] + " -> " + r.raw().body());
                JsonNode err = r.json().path("error");
                assertEquals("invalid_request_error", err.path("type").asText(), r.raw().body());
                assertEquals(c[1], err.path("param").asText(), r.raw().body());
                assertTrue(err.path("message").asText().contains(c[2]), r.raw().body());
            }
        }
    }

    @Test
    void theOfficialOpenAiClientGeneratesAnImage() throws Exception {
        Path python = Path.of("..", ".venv", "bin", "python").toAbsolutePath().normalize();
        assumeTrue(Files.isExecutable(python), "needs the project's Python environment (" + python + ", made by "
                + "scripts/python-env.sh, which scripts/test-all.sh runs first)");
        Process probe = new ProcessBuilder(python.toString(), "-c", "import openai").redirectErrorStream(true).start();
        assumeTrue(probe.waitFor(120, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "the openai package is not in " + python + " (models/requirements.txt lists it)");
        try (UnidiffServer server = TestServers.start(config("k3y"))) {
            Process p = new ProcessBuilder(python.toString(), Path.of("src", "test", "python", "openai_images.py").toString(),
                    "http://127.0.0.1:" + server.port() + "/v1", "k3y", PROMPT, "2", "9")
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(600, TimeUnit.SECONDS), "the client did not finish");
            assertEquals(0, p.exitValue(), out);
            JsonNode got = TestServers.MAPPER.readTree(out);
            ImageResult want = library(9, 2);
            assertEquals(2, got.path("images").size());
            for (int i = 0; i < 2; i++) {
                assertEquals(Pngs.encode(want.images().get(i)), got.path("images").get(i).asText(),
                        "image " + i + " differs from the library's");
            }
            assertEquals(400, got.path("bad_size").path("status").asInt(), out);
            assertEquals("size", got.path("bad_size").path("param").asText(), out);
            assertEquals(401, got.path("wrong_key").path("status").asInt(), out);
        }
    }
}
