package org.unidiff.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The signals a process was started with ignored, read from the {@code SigIgn} mask of
 * {@code /proc/<pid>/status} (Linux): bit n - 1 is signal n. Children inherit ignored signals, so
 * a test of signal handling in a child process first asks this.
 */
final class IgnoredSignals {

    private static final List<String> NAMES = List.of("HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE",
            "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM");

    private IgnoredSignals() {
    }

    /** The ignored signals among HUP ... TERM of this process; empty where /proc is absent. */
    static Set<String> ofThisProcess() {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return Set.of();
        }
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("SigIgn:")) {
                    return fromMask(Long.parseUnsignedLong(line.substring(7).strip(), 16));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Set.of();
        }
        return Set.of();
    }

    /** The names of the signals whose bits are set in a SigIgn mask. */
    static Set<String> fromMask(long mask) {
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < NAMES.size(); i++) {
            if ((mask & (1L << i)) != 0) {
                out.add(NAMES.get(i));
            }
        }
        return out;
    }
}
