package org.unidiff.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;

/**
 * How the service runs: where it listens, who may call it, how it queues and batches, what it
 * keeps. Build one with {@link #defaults()} and the {@code with...} copies.
 *
 * @param host             address to bind; a loopback address unless the service is meant to be exposed
 * @param port             port (0 picks a free one)
 * @param token            API token callers must send as {@code Authorization: Bearer}; required
 *                         when {@code host} is not a loopback address; null for none
 * @param queueCapacity    most jobs waiting (not running); one more is answered 429
 * @param maxBatchSize     most queued jobs run together in one batched call; 1 turns batching off
 * @param batchWait        how long the first job of a batch waits for compatible ones to arrive
 * @param workers          threads that run batches (one keeps a small machine's cores for the model)
 * @param limits           what one request may ask for
 * @param resultTtl        how long a finished job and its result are kept
 * @param maxFinishedJobs  most finished jobs kept (oldest dropped first)
 * @param maxStreams       most event streams open at once, and (separately) most synchronous calls
 *                         waiting at once: streams held open never lock out synchronous callers
 * @param syncCommitDelay  how long a synchronous call waits before it answers 200 and starts
 *                         keep-alive whitespace (so a client that goes away is noticed)
 * @param heartbeat        interval of keep-alives on event streams and long synchronous calls
 * @param shutdownDeadline how long a graceful shutdown lets queued and running jobs finish
 *                         before it cancels them
 * @param corsOrigins      origins (scheme://host[:port]) whose pages may call the API from a
 *                         browser (CORS); empty (the default) allows none, {@code *} any
 */
public record ServerConfig(String host, int port, String token, int queueCapacity, int maxBatchSize,
                           Duration batchWait, int workers, Limits limits, Duration resultTtl, int maxFinishedJobs,
                           int maxStreams, Duration syncCommitDelay, Duration heartbeat, Duration shutdownDeadline,
                           java.util.List<String> corsOrigins) {

    /** The loopback address the service binds by default. */
    public static final String LOOPBACK = "127.0.0.1";

    /** Checks ranges, and that an exposed service has a token. */
    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(limits, "limits");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be from 0 to 65535, found " + port);
        }
        if (token != null && token.isBlank()) {
            token = null;
        }
        if (token == null && !isLoopback(host)) {
            throw new IllegalArgumentException("host " + host + " is not a loopback address: exposing the service"
                    + " needs an API token (--token or the environment variable " + ServerMain.TOKEN_ENV + ")");
        }
        corsOrigins = corsOrigins == null ? java.util.List.of() : java.util.List.copyOf(corsOrigins);
        for (String o : corsOrigins) {
            if (!o.equals("*") && !o.matches("https?://[A-Za-z0-9.\\[\\]:-]+")) {
                throw new IllegalArgumentException("a CORS origin must be scheme://host[:port] (no path) or *, found '"
                        + o + "'");
            }
        }
        atLeast("queueCapacity", queueCapacity, 1);
        atLeast("maxBatchSize", maxBatchSize, 1);
        atLeast("workers", workers, 1);
        atLeast("maxFinishedJobs", maxFinishedJobs, 1);
        atLeast("maxStreams", maxStreams, 1);
        for (Duration d : new Duration[] {batchWait, resultTtl, syncCommitDelay, heartbeat, shutdownDeadline}) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("durations must be set and not negative, found " + d);
            }
        }
    }

    /**
     * Loopback only, no token, a queue of 64, batches of up to 16 gathered for 20 ms, one worker,
     * results kept 10 minutes (at most 256).
     */
    public static ServerConfig defaults() {
        return new ServerConfig(LOOPBACK, 8080, null, 64, 16, Duration.ofMillis(20), 1, Limits.defaults(),
                Duration.ofMinutes(10), 256, 64, Duration.ofMillis(500), Duration.ofMillis(250),
                Duration.ofSeconds(20), java.util.List.of());
    }

    /** A copy listening elsewhere. */
    public ServerConfig withAddress(String newHost, int newPort) {
        return new ServerConfig(newHost, newPort, token, queueCapacity, maxBatchSize, batchWait, workers, limits,
                resultTtl, maxFinishedJobs, maxStreams, syncCommitDelay, heartbeat, shutdownDeadline, corsOrigins);
    }

    /** A copy with another token (null for none). */
    public ServerConfig withToken(String newToken) {
        return new ServerConfig(host, port, newToken, queueCapacity, maxBatchSize, batchWait, workers, limits,
                resultTtl, maxFinishedJobs, maxStreams, syncCommitDelay, heartbeat, shutdownDeadline, corsOrigins);
    }

    /** A copy with another queue capacity. */
    public ServerConfig withQueueCapacity(int capacity) {
        return new ServerConfig(host, port, token, capacity, maxBatchSize, batchWait, workers, limits,
                resultTtl, maxFinishedJobs, maxStreams, syncCommitDelay, heartbeat, shutdownDeadline, corsOrigins);
    }

    /** A copy with other batching settings ({@code size} 1 turns batching off). */
    public ServerConfig withBatching(int size, Duration wait) {
        return new ServerConfig(host, port, token, queueCapacity, size, wait, workers, limits,
                resultTtl, maxFinishedJobs, maxStreams, syncCommitDelay, heartbeat, shutdownDeadline, corsOrigins);
    }

    /** A copy with other limits. */
    public ServerConfig withLimits(Limits newLimits) {
        return new ServerConfig(host, port, token, queueCapacity, maxBatchSize, batchWait, workers, newLimits,
                resultTtl, maxFinishedJobs, maxStreams, syncCommitDelay, heartbeat, shutdownDeadline, corsOrigins);
    }

    /** A copy with another retention of finished jobs. */
    public ServerConfig withRetention(Duration ttl, int maxFinished) {
        return new ServerConfig(host, port, token, queueCapacity, maxBatchSize, batchWait, workers, limits,
                ttl, maxFinished, maxStreams, syncCommitDelay, heartbeat, shutdownDeadline, corsOrigins);
    }

    /** A copy with another cap of open event streams (and of waiting synchronous calls). */
    public ServerConfig withMaxStreams(int streams) {
        return new ServerConfig(host, port, token, queueCapacity, maxBatchSize, batchWait, workers, limits,
                resultTtl, maxFinishedJobs, streams, syncCommitDelay, heartbeat, shutdownDeadline, corsOrigins);
    }

    /** A copy that lets pages of these origins call the API from a browser (empty: none). */
    public ServerConfig withCorsOrigins(java.util.List<String> origins) {
        return new ServerConfig(host, port, token, queueCapacity, maxBatchSize, batchWait, workers, limits,
                resultTtl, maxFinishedJobs, maxStreams, syncCommitDelay, heartbeat, shutdownDeadline, origins);
    }

    /** A copy with other timings of synchronous calls and streams. */
    public ServerConfig withTimings(Duration commitDelay, Duration beat, Duration deadline) {
        return new ServerConfig(host, port, token, queueCapacity, maxBatchSize, batchWait, workers, limits,
                resultTtl, maxFinishedJobs, maxStreams, commitDelay, beat, deadline, corsOrigins);
    }

    /** Whether callers must send the token. */
    public boolean tokenRequired() {
        return token != null;
    }

    /** Whether {@code host} names a loopback address (resolved without a DNS query for literals). */
    public static boolean isLoopback(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static void atLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", found " + value);
        }
    }
}
