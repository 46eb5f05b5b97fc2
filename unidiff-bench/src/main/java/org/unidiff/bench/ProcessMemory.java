package org.unidiff.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Resident memory of this process from Linux's {@code /proc/self/status}: the current resident set (VmRSS) and
 * its peak so far (VmHWM), native memory of ONNX Runtime included, which the JVM's own counters miss.
 *
 * @param rssKib  resident set size now, KiB
 * @param peakKib peak resident set size since the process started, KiB
 */
public record ProcessMemory(long rssKib, long peakKib) {

    private static final Path STATUS = Path.of("/proc/self/status");

    /** This process's memory now, or empty where /proc is not available (not Linux). */
    public static Optional<ProcessMemory> now() {
        if (!Files.isReadable(STATUS)) {
            return Optional.empty();
        }
        try {
            return parse(Files.readString(STATUS));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Reads the VmRSS and VmHWM lines of a /proc status text; empty if either is missing. */
    public static Optional<ProcessMemory> parse(String status) {
        long rss = -1;
        long hwm = -1;
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                rss = kib(line);
            } else if (line.startsWith("VmHWM:")) {
                hwm = kib(line);
            }
        }
        return rss < 0 || hwm < 0 ? Optional.empty() : Optional.of(new ProcessMemory(rss, hwm));
    }

    private static long kib(String line) {
        // "VmRSS:\t  123456 kB"
        String[] parts = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
        if (parts.length != 2 || !parts[1].equals("kB")) {
            throw new IllegalArgumentException("unexpected /proc status line '" + line + "'; expected '<name>: <n> kB'");
        }
        return Long.parseLong(parts[0]);
    }

    /** The resident set in MiB. */
    public double rssMib() {
        return rssKib / 1024.0;
    }

    /** The peak resident set in MiB. */
    public double peakMib() {
        return peakKib / 1024.0;
    }
}
