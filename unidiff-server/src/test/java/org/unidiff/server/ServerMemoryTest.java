package org.unidiff.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.unidiff.api.Recipes;
import org.unidiff.api.TextOnlyRequest;
import org.unidiff.api.TextResult;
import org.unidiff.server.TestServers.Client;
import org.unidiff.server.TestServers.Reply;

/**
 * Memory a hostile client cannot exhaust: wide decodings are compacted, decoded inputs are bounded
 * in bytes while queued and dropped when a job ends, kept results are bounded in bytes, and running
 * out of memory is the server's 503 with health degraded, never the client's 400.
 */
class ServerMemoryTest {

    private static ObjectNode caption(String png, long seed) {
        ObjectNode n = TestServers.MAPPER.createObjectNode();
        n.put("task", "image-to-text");
        n.put("image", png);
        n.put("seed", seed);
        n.put("steps", 2);
        return n;
    }

    private static ObjectNode textToImage(long seed, int steps) {
        ObjectNode n = TestServers.MAPPER.createObjectNode();
        n.put("task", "text-to-image");
        n.put("prompt", "a red circle");
        n.put("seed", seed);
        n.put("steps", steps);
        return n;
    }

    /** A 16-bit RGB PNG (6 bytes a pixel when decoded as is), in base64. */
    static String sixteenBitPng(int w, int h) throws Exception {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raster.setPixel(x, y, new int[] {65535, x * 1000 % 65536, 0});
            }
        }
        BufferedImage image = new BufferedImage(cm, raster, false, null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, "png", bytes));
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    @Test
    void aWideDecodingIsKeptInAtMostFourBytesAPixel() throws Exception {
        BufferedImage raw = ImageIO.read(new java.io.ByteArrayInputStream(Base64.getDecoder().decode(sixteenBitPng(32, 16))));
        assertTrue(Pngs.bytesHeld(raw) >= 6L * 32 * 16, "the JDK decodes 16-bit as is: " + Pngs.bytesHeld(raw));
        BufferedImage kept = Pngs.decode("image", sixteenBitPng(32, 16), 1 << 20);
        assertTrue(Pngs.bytesHeld(kept) <= 4L * 32 * 16, "held " + Pngs.bytesHeld(kept));
        assertEquals(raw.getRGB(5, 3), kept.getRGB(5, 3), "the pixels are the image's");
    }

    @Test
    void queuedInputsAreBoundedInBytesAndReleasedWhenJobsEnd() throws Exception {
        String png = TestServers.redCirclePng();   // 64 x 64: 16 KiB decoded
        long one = Pngs.bytesHeld(Pngs.decode("image", png, 1 << 20));
        Limits limits = Limits.defaults().withMemory(3 * one, 256L << 20);
        ServerConfig config = TestServers.config().withLimits(limits).withBatching(1, Duration.ZERO);
        try (UnidiffServer server = TestServers.start(config)) {
            Client client = new Client(server);
            String blocker = client.post("/api/jobs", textToImage(1, 1000)).json().path("id").asText();
            client.awaitRunning(blocker, 120);
            List<String> queued = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Reply r = client.post("/api/jobs", caption(png, i));
                assertEquals(202, r.status(), r.raw().body());
                queued.add(r.json().path("id").asText());
            }
            assertEquals(3 * one, server.scheduler().heldInputBytes());
            Reply full = client.post("/api/jobs", caption(png, 9));
            assertEquals(429, full.status(), full.raw().body());
            assertTrue(full.json().path("detail").asText().contains("decoded images"), full.raw().body());
            assertTrue(Integer.parseInt(full.header("Retry-After")) >= 1);
            assertEquals(202, client.post("/api/jobs", textToImage(2, 2)).status(), "a request without images still fits");
            for (String id : queued) {
                client.delete("/api/jobs/" + id);
            }
            client.delete("/api/jobs/" + blocker);
            assertTrue(server.scheduler().awaitIdle(Duration.ofSeconds(120)));
            assertEquals(0, server.scheduler().heldInputBytes(), "finished jobs still hold their inputs");
            Reply again = client.post("/api/run", caption(png, 10));
            assertEquals(200, again.status(), again.raw().body());
            assertEquals(0, server.scheduler().heldInputBytes());
        }
    }

    @Test
    void keptResultsAreBoundedInBytes() {
        Limits limits = Limits.defaults().withMemory(256L << 20, 1);
        try (UnidiffServer server = TestServers.start(TestServers.config().withLimits(limits))) {
            Client client = new Client(server);
            Reply r = client.post("/api/run", textToImage(3, 2));
            assertEquals(200, r.status());
            assertEquals(1, r.json().path("result").path("images").size(), "the caller gets its result");
            assertEquals(404, client.get("/api/jobs/" + r.json().path("id").asText()).status(),
                    "a result over the byte bound was kept");
        }
    }

    @Test
    void runningOutOfMemoryIs503AndHealthDegradedUntilABatchSucceeds() {
        // Text-only under another task id, whose result writer runs out of memory.
        org.unidiff.api.tasks.TaskRegistry tasks = org.unidiff.api.tasks.TaskRegistry.builtIn().with(
                org.unidiff.api.tasks.TaskDefinition.of(new RenamedRecipe<>("exhausting", Recipes.TEXT_ONLY),
                        in -> new TextOnlyRequest(in.options()), TextResult::parameters, (result, out) -> {
                            throw new OutOfMemoryError("Java heap space (test)");
                        }));
        // A long commit delay: the synchronous call answers with the job's own status however slow
        // the machine (a late failure would be a 200 with a problem body, the commit's price).
        ServerConfig config = TestServers.config().withTimings(Duration.ofMinutes(5), Duration.ofMillis(100),
                Duration.ofSeconds(10));
        try (UnidiffServer server = UnidiffServer.start(TestServers.model(), TestServers.bundleDir(), config, tasks)) {
            Client client = new Client(server);
            ObjectNode body = TestServers.MAPPER.createObjectNode().put("task", "exhausting").put("steps", 2);
            Reply r = client.post("/api/run", body);
            assertEquals(503, r.status(), r.raw().body());
            assertEquals("urn:unidiff:problem:out-of-memory", r.json().path("type").asText());
            Reply health = client.get("/api/health");
            assertEquals(503, health.status());
            assertEquals("degraded", health.json().path("status").asText());
            assertEquals(200, client.post("/api/run", textToImage(4, 2)).status());
            assertEquals(200, client.get("/api/health").status(), "healthy again after a successful batch");
        }
    }
}
