package org.unidiff.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The body rate is judged on the time spent reading, against a clock the test moves. */
class MinimumRateInputTest {

    private static final long GRACE = Duration.ofSeconds(1).toNanos();

    /**
     * A client sending {@code bytesPerSecond}, at most {@code chunk} bytes a packet: each read
     * moves the clock by the time its bytes took to arrive.
     */
    private static InputStream paced(byte[] body, int chunk, ManualClock clock, double bytesPerSecond) {
        return new ByteArrayInputStream(body) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                int n = super.read(b, off, Math.min(len, chunk));
                if (n > 0) {
                    clock.advance(Duration.ofNanos(Math.round(n / bytesPerSecond * 1e9)));
                }
                return n;
            }
        };
    }

    @Test
    void aBodyThatArrivedWholeIsAcceptedHoweverLateItIsRead() throws IOException {
        ManualClock clock = new ManualClock();
        // The body waited 30 s in a queue before the handler ran: that time is the server's, not counted.
        clock.advance(Duration.ofSeconds(30));
        byte[] body = new byte[300];
        try (InputStream in = new MinimumRateInput(new ByteArrayInputStream(body), 16 * 1024, GRACE, clock::nanoTime)) {
            assertArrayEquals(body, in.readAllBytes());
        }
    }

    @Test
    void aTrickleIsRefusedOnceTheGraceHasPassed() {
        ManualClock clock = new ManualClock();
        byte[] body = new byte[1000];
        InputStream in = new MinimumRateInput(paced(body, 1, clock, 2.0), 16 * 1024, GRACE,
                clock::nanoTime);
        Problem p = assertThrows(Problem.class, in::readAllBytes);
        assertEquals(408, p.status());
        assertTrue(p.getMessage().contains("16384 bytes a second"), p.getMessage());
        // Two reads fit in the grace (0.5 s, 1.0 s); the third, at 1.5 s with 3 bytes, is judged.
        assertTrue(p.getMessage().contains("(3 bytes in 1500 ms)"), p.getMessage());
    }

    @Test
    void aSteadyBodyAtTheRateIsAccepted() throws IOException {
        ManualClock clock = new ManualClock();
        byte[] body = new byte[200_000];
        body[123] = 7;
        // 17 000 bytes a second: above 16 384 a second all the way.
        InputStream in = new MinimumRateInput(paced(body, 4096, clock, 17_000), 16 * 1024, GRACE,
                clock::nanoTime);
        assertArrayEquals(body, in.readAllBytes());
    }

    @Test
    void aBodyJustUnderTheRateIsRefused() {
        ManualClock clock = new ManualClock();
        byte[] body = new byte[200_000];
        InputStream in = new MinimumRateInput(paced(body, 4096, clock, 16_000), 16 * 1024, GRACE,
                clock::nanoTime);
        assertEquals(408, assertThrows(Problem.class, in::readAllBytes).status());
    }

    @Test
    void nonsenseSettingsAreRefused() {
        ManualClock clock = new ManualClock();
        InputStream none = InputStream.nullInputStream();
        assertThrows(IllegalArgumentException.class, () -> new MinimumRateInput(none, 0, GRACE, clock::nanoTime));
        assertThrows(IllegalArgumentException.class, () -> new MinimumRateInput(none, 1, -1, clock::nanoTime));
    }
}
