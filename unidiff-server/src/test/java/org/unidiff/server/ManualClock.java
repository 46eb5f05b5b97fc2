package org.unidiff.server;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when a test says so. */
final class ManualClock implements ServerClock {

    private final Instant origin = Instant.parse("2026-01-01T00:00:00Z");
    private final AtomicLong nanos = new AtomicLong();

    @Override
    public Instant now() {
        return origin.plusNanos(nanos.get());
    }

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    /** Moves the clock forward. */
    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }
}
