package org.unidiff.server;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongSupplier;

/**
 * A request body that must keep arriving at a minimum rate, measured from the moment the server
 * starts reading it. A client that trickles its body (a byte a second) is refused with 408 once
 * the grace period has passed, which frees the thread it held.
 *
 * <p>Why not Jetty's own minimum request data rate: Jetty measures from the arrival of the first
 * body byte, so a small body that arrived whole but was read late (its handler waited for a
 * thread on a busy server) counts as slow and is refused although the client did nothing wrong.
 * Here only the time spent waiting on the client counts.
 */
final class MinimumRateInput extends FilterInputStream {

    private final long bytesPerSecond;
    private final long graceNanos;
    private final LongSupplier nanoTime;
    private final long start;
    private long read;

    /**
     * @param in             the body
     * @param bytesPerSecond the slowest rate accepted after the grace period
     * @param graceNanos     how long a body may take before its rate is judged
     * @param nanoTime       the monotonic clock (the server's; a test's own)
     */
    MinimumRateInput(InputStream in, long bytesPerSecond, long graceNanos, LongSupplier nanoTime) {
        super(in);
        if (bytesPerSecond <= 0 || graceNanos < 0) {
            throw new IllegalArgumentException("the rate must be positive and the grace not negative, got "
                    + bytesPerSecond + " bytes a second and " + graceNanos + " ns");
        }
        this.bytesPerSecond = bytesPerSecond;
        this.graceNanos = graceNanos;
        this.nanoTime = nanoTime;
        this.start = nanoTime.getAsLong();
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        count(b < 0 ? -1 : 1);
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        count(n);
        return n;
    }

    private void count(int n) {
        if (n < 0) {
            return; // the end came: however long it took, the whole body is here
        }
        read += n;
        long elapsed = nanoTime.getAsLong() - start;
        if (elapsed <= graceNanos) {
            return;
        }
        // bytes expected by now = rate x seconds; computed in double to stay clear of overflow
        double expected = bytesPerSecond * (elapsed / 1e9);
        if (read < expected) {
            throw Problem.slowBody(read, elapsed / 1_000_000L, bytesPerSecond);
        }
    }
}
