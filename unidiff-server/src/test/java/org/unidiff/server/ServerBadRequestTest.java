package org.unidiff.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.unidiff.server.TestServers.Client;
import org.unidiff.server.TestServers.Reply;

/**
 * Every kind of bad request gets a problem document (RFC 9457) naming what was wrong, with the
 * right status, without a stack trace, and without any model work (the metrics count no job).
 */
class ServerBadRequestTest {

    private static UnidiffServer server;
    private static Client client;

    @BeforeAll
    static void start() {
        server = TestServers.start(TestServers.config().withLimits(Limits.defaults().withMaxBodyBytes(200_000)
                .withMaxImagePixels(512 * 512)));
        client = new Client(server);
    }

    @AfterAll
    static void stop() {
        server.close();
        assertEquals(0, server.metrics().done() + server.metrics().failed(), "a bad request reached the engine");
    }

    /** Posts {@code body} to both submit endpoints and checks the problem; returns it. */
    private static JsonNode refused(String body, int status, String type, String field, String detailPart) {
        JsonNode last = null;
        for (String path : new String[] {"/api/jobs", "/api/run"}) {
            Reply r = client.post(path, body);
            assertEquals(status, r.status(), path + ": " + r.raw().body());
            assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType());
            JsonNode p = r.json();
            assertEquals("urn:unidiff:problem:" + type, p.path("type").asText(), p.toString());
            assertEquals(status, p.path("status").asInt());
            assertFalse(p.path("title").asText().isBlank());
            if (field == null) {
                assertTrue(p.path("field").isMissingNode(), p.toString());
            } else {
                assertEquals(field, p.path("field").asText(), p.toString());
            }
            String detail = p.path("detail").asText();
            assertTrue(detail.contains(detailPart), "detail '" + detail + "' lacks '" + detailPart + "'");
            assertFalse(r.raw().body().contains("\tat ") || r.raw().body().contains("Exception"),
                    "stack trace or exception class leaked: " + r.raw().body());
            last = p;
        }
        return last;
    }

    @Test
    void malformedJson() {
        refused("{\"task\": \"text-to-image\", \"prompt\": ", 400, "malformed-json", null, "not valid JSON");
        refused("{\"task\": \"text-only\"} trailing", 400, "malformed-json", null, "not valid JSON");
        refused("{\"task\": \"text-only\", \"task\": \"joint\"}", 400, "malformed-json", null, "Duplicate field");
        refused("[1, 2]", 400, "invalid-request", null, "JSON object");
        refused("", 400, "invalid-request", null, "JSON object");
    }

    @Test
    void wrongTypes() {
        refused("{\"task\": 7}", 400, "invalid-request", "task", "must be a string");
        refused("{\"task\": \"text-to-image\", \"prompt\": 5}", 400, "invalid-request", "prompt", "must be a string, found a number 5");
        refused("{\"task\": \"text-to-image\", \"prompt\": \"a\", \"steps\": \"ten\"}", 400, "invalid-request", "steps", "must be an integer");
        refused("{\"task\": \"text-to-image\", \"prompt\": \"a\", \"steps\": 2.5}", 400, "invalid-request", "steps", "must be an integer");
        refused("{\"task\": \"text-to-image\", \"prompt\": \"a\", \"guidanceScale\": true}", 400, "invalid-request", "guidanceScale", "must be a number");
        refused("{\"task\": \"text-to-image\", \"prompt\": \"a\", \"seed\": 1e400}", 400, "invalid-request", "seed", "must be an integer");
        refused("{\"task\": \"joint\", \"route\": \"sideways\"}", 400, "invalid-request", "route", "direct, via-text");
        refused("{\"task\": \"group\", \"slots\": {\"caption\": \"x\"}}", 400, "invalid-request", "slots", "array of objects");
        refused("{\"task\": \"group\", \"slots\": [\"x\"]}", 400, "invalid-request", "slots[0]", "an object");
        refused("{\"task\": \"image-to-text\", \"image\": [1]}", 400, "invalid-request", "image", "a string");
    }

    @Test
    void missingAndUnknownFields() {
        refused("{\"prompt\": \"a\"}", 400, "invalid-request", "task", "one of text-to-image");
        refused("{\"task\": \"text-to-image\"}", 400, "invalid-request", "prompt", "non-empty");
        refused("{\"task\": \"text-to-image\", \"prompt\": \"   \"}", 400, "invalid-request", "prompt", "blank");
        refused("{\"task\": \"text-to-image\", \"prompt\": \"a\", \"stpes\": 3}", 400, "invalid-request", "stpes", "unknown field");
        refused("{\"task\": \"group\", \"slots\": [{\"caption\": \"a\", \"colour\": 1}]}", 400, "invalid-request",
                "slots[0].colour", "unknown field");
        refused("{\"task\": \"image-to-text\"}", 400, "invalid-request", "image", "found nothing");
        refused("{\"task\": \"text-to-image\", \"prompt\": \"a\", \"sampler\": \"magic\"}", 400, "invalid-request", "sampler", "dpm-solver");
    }

    @Test
    void unknownTask() {
        JsonNode p = refused("{\"task\": \"text-to-video\"}", 400, "unknown-task", "task", "text-to-video");
        assertTrue(p.path("detail").asText().contains("group"), "the served tasks are listed");
    }

    @Test
    void limits() {
        refused("{\"task\": \"text-to-image\", \"prompt\": \"a\", \"outputs\": 17}", 400, "invalid-request", "outputs", "from 1 to 16");
        refused("{\"task\": \"text-to-image\", \"prompt\": \"a\", \"outputs\": 0}", 400, "invalid-request", "outputs", "from 1 to 16");
        refused("{\"task\": \"text-to-image\", \"prompt\": \"a\", \"steps\": 1001}", 400, "invalid-request", "steps", "from 1 to 1000");
        // The library's one guidance rule (the command line's too): 0 to 50.
        refused("{\"task\": \"text-to-image\", \"prompt\": \"a\", \"guidanceScale\": 50.5}", 400, "invalid-request",
                "guidanceScale", "from 0.0 to 50.0");
        refused("{\"task\": \"text-to-image\", \"prompt\": \"a\", \"guidanceScale\": -1}", 400, "invalid-request", "guidanceScale", "from 0");
        refused("{\"task\": \"text-to-image\", \"prompt\": \"" + "a".repeat(501) + "\"}", 400, "invalid-request", "prompt", "at most 500 characters");
        String slots = "{\"caption\": \"a\"},".repeat(4) + "{\"caption\": \"b\"}";
        refused("{\"task\": \"group\", \"slots\": [" + slots + "]}", 400, "invalid-request", "slots", "from 1 to 4");
        refused("{\"task\": \"group\", \"slots\": []}", 400, "invalid-request", "slots", "from 1 to 4");
        String ref = TestServers.redCirclePng();
        refused("{\"task\": \"group\", \"slots\": [{\"image\": \"" + ref + "\"}]}", 400, "invalid-request", "slots",
                "at least one slot to generate");
    }

    @Test
    void oversizedBody() {
        String big = "{\"task\": \"text-to-image\", \"prompt\": \"" + "a".repeat(250_000) + "\"}";
        refused(big, 413, "body-too-large", null, "at most 200000");
    }

    @Test
    void imageBombIsRefusedFromItsHeader() {
        // A 1 x 1 PNG whose header claims 100000 x 100000 pixels: decoding it would need 40 GB.
        String bomb = Base64.getEncoder().encodeToString(pngClaiming(100_000, 100_000));
        long before = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        JsonNode p = refused("{\"task\": \"image-to-text\", \"image\": \"" + bomb + "\"}", 400, "invalid-request", "image",
                "100000 x 100000");
        assertTrue(p.path("detail").asText().contains("at most 262144 pixels"), p.toString());
        refused("{\"task\": \"group\", \"slots\": [{\"caption\": \"a\"}, {\"image\": \"" + bomb + "\"}]}", 400,
                "invalid-request", "slots[1].image", "pixels");
        long after = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        assertTrue(after - before < 1L << 30, "memory grew by " + (after - before));
    }

    @Test
    void imagesMustBeBase64Png() {
        refused("{\"task\": \"image-to-text\", \"image\": \"not base64 !!\"}", 400, "invalid-request", "image", "not base64");
        String gif = Base64.getEncoder().encodeToString("GIF89a....".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        refused("{\"task\": \"image-to-text\", \"image\": \"" + gif + "\"}", 400, "invalid-request", "image", "only PNG");
        byte[] truncated = java.util.Arrays.copyOf(Base64.getDecoder().decode(TestServers.redCirclePng()), 40);
        refused("{\"task\": \"image-to-text\", \"image\": \"" + Base64.getEncoder().encodeToString(truncated) + "\"}",
                400, "invalid-request", "image", "broken");
    }

    @Test
    void problemsCarryNoStackTraceAndTheInstance() {
        Reply r = client.post("/api/jobs", "{\"task\": \"nope\"}");
        assertEquals("/api/jobs", r.json().path("instance").asText());
        assertNull(r.json().get("trace"));
    }

    /** A PNG with a valid signature and IHDR (CRC right) that claims the given size, and no pixel data. */
    static byte[] pngClaiming(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        byte[] ihdr = new byte[17];
        byte[] type = {'I', 'H', 'D', 'R'};
        System.arraycopy(type, 0, ihdr, 0, 4);
        putInt(ihdr, 4, width);
        putInt(ihdr, 8, height);
        ihdr[12] = 8;   // bit depth
        ihdr[13] = 2;   // colour type RGB
        byte[] len = new byte[4];
        putInt(len, 0, 13);
        out.writeBytes(len);
        out.writeBytes(ihdr);
        CRC32 crc = new CRC32();
        crc.update(ihdr);
        byte[] c = new byte[4];
        putInt(c, 0, (int) crc.getValue());
        out.writeBytes(c);
        return out.toByteArray();
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
