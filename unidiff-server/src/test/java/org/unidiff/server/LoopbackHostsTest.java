package org.unidiff.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** DNS rebinding: a loopback server answers only requests addressed to a loopback name. */
class LoopbackHostsTest {

    @Test
    void loopbackNamesAndLiteralsPassOthersDoNot() {
        for (String ok : new String[] {"localhost", "localhost:8080", "LOCALHOST", "app.localhost:1", "127.0.0.1",
            "127.0.0.1:8080", "127.1.2.3", "[::1]", "[::1]:8080", "localhost.", null, ""}) {
            assertTrue(LoopbackHosts.isLoopbackHost(ok), "refused " + ok);
        }
        for (String bad : new String[] {"evil.example", "evil.example:8080", "127.0.0.1.evil.example",
            "localhost.evil.example", "128.0.0.1", "[::2]", "127.0.0.1:80x", "10.0.0.1", "127.0.0.256",
            "localhost:8080:1"}) {
            assertFalse(LoopbackHosts.isLoopbackHost(bad), "accepted " + bad);
        }
    }

    private static String rawGet(int port, String host, String path) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aRequestForAnotherHostIsRefusedOnLoopbackAndAWrongMethodIs405() throws Exception {
        try (UnidiffServer server = TestServers.start(TestServers.config())) {
            int port = server.port();
            String rebound = rawGet(port, "evil.example:" + port, "/api/model");
            assertTrue(rebound.startsWith("HTTP/1.1 403"), rebound);
            assertTrue(rebound.contains("host-not-allowed"), rebound);
            assertTrue(rawGet(port, "evil.example", "/").startsWith("HTTP/1.1 403"), "the page too");
            assertTrue(rawGet(port, "localhost:" + port, "/api/model").startsWith("HTTP/1.1 200"));
            assertTrue(rawGet(port, "127.0.0.1:" + port, "/api/model").startsWith("HTTP/1.1 200"));
            TestServers.Reply wrong = new TestServers.Client(server).delete("/api/model");
            assertEquals(405, wrong.status());
            assertEquals("urn:unidiff:problem:method-not-allowed", wrong.json().path("type").asText());
        }
    }

    @Test
    void jettysOwnRefusalsAreProblemDocuments() throws Exception {
        try (UnidiffServer server = TestServers.start(TestServers.config())) {
            String longUri = rawGet(server.port(), "127.0.0.1", "/api/" + "x".repeat(20_000));
            assertTrue(longUri.startsWith("HTTP/1.1 414"), longUri.substring(0, Math.min(200, longUri.length())));
            assertTrue(longUri.contains("application/problem+json") && longUri.contains("urn:unidiff:problem:uri-too-long"),
                    longUri);
            String hugeHeader;
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                s.getOutputStream().write(("GET /api/model HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "y".repeat(40_000)
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                hugeHeader = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            }
            assertTrue(hugeHeader.startsWith("HTTP/1.1 431"), hugeHeader);
            assertTrue(hugeHeader.contains("urn:unidiff:problem:headers-too-large"), hugeHeader);
            String garbage;
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                s.getOutputStream().write("NOT HTTP AT ALL\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                garbage = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            }
            assertTrue(garbage.startsWith("HTTP/1.1 400") && garbage.contains("urn:unidiff:problem:bad-request"), garbage);
        }
    }
}
