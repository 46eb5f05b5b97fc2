package org.unidiff.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.unidiff.server.TestServers.Client;

/**
 * Hundreds of clients sending their bodies a byte at a time (slowloris) cannot starve the
 * server: each is answered 408 as soon as its rate shows, and other clients are served.
 */
class SlowClientsTest {

    private static final int SLOW = 300;

    @Test
    void slowBodiesAre408AndOthersAreServed() throws Exception {
        try (UnidiffServer server = TestServers.start(TestServers.config())) {
            List<Socket> sockets = new ArrayList<>();
            ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
            try {
                for (int i = 0; i < SLOW; i++) {
                    Socket s = new Socket("127.0.0.1", server.port());
                    s.setSoTimeout(120_000);
                    s.getOutputStream().write(("POST /api/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                            + "application/json\r\nContent-Length: 100000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
                    sockets.add(s);
                }
                // The slow clients' own pace: one more byte each, every second (not a wait of the test's).
                pacer.scheduleAtFixedRate(() -> {
                    for (Socket s : sockets) {
                        try {
                            s.getOutputStream().write(' ');
                        } catch (IOException closed) {
                            // The server answered and closed: expected.
                        }
                    }
                }, 1, 1, TimeUnit.SECONDS);
                Client client = new Client(server);
                assertEquals(200, client.get("/api/model").status(), "a normal client was starved");
                int timedOut = 0;
                for (Socket s : sockets) {
                    InputStream in = s.getInputStream();
                    byte[] head = in.readNBytes(12);
                    if (new String(head, StandardCharsets.US_ASCII).equals("HTTP/1.1 408")) {
                        timedOut++;
                    }
                }
                assertEquals(SLOW, timedOut, "every slow body is answered 408");
                assertEquals(200, client.get("/api/model").status());
            } finally {
                pacer.shutdownNow();
                for (Socket s : sockets) {
                    s.close();
                }
            }
        }
    }
}
