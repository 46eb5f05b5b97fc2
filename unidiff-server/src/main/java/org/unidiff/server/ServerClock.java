package org.unidiff.server;

import java.time.Instant;

/**
 * Where the server reads the time: the instants a job is stamped with (submitted, started,
 * finished), the age at which a finished result expires, and the seconds a job waited or ran.
 * The server uses {@link #system()}; a test passes its own to expire results or measure a wait
 * without waiting for real. Waits for events (a job's change, a free worker) are on conditions,
 * not on this clock.
 */
public interface ServerClock {

    /** The current instant. */
    Instant now();

    /** A monotonic count of nanoseconds, for durations only. */
    long nanoTime();

    /** The system's clocks. */
    static ServerClock system() {
        return SystemClock.INSTANCE;
    }

    /** {@link Instant#now()} and {@link System#nanoTime()}. */
    enum SystemClock implements ServerClock {
        /** The one instance. */
        INSTANCE;

        @Override
        public Instant now() {
            return Instant.now();
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }
    }
}
