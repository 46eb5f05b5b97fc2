package org.unidiff.bench;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unidiff.api.Unidiff;

/** The speed benchmark's memory table: resident memory and Java heap around many small generations. */
final class MemoryTable {

    private static final Logger LOG = LoggerFactory.getLogger(MemoryTable.class);

    private MemoryTable() {
    }

    /**
     * The process's resident memory after the timing runs, then after {@code leakGenerations}
     * small generations of {@code leakSteps} steps (text to image, captioning and joint in turn):
     * steady growth would be a native leak.
     */
    static ResultTable of(Unidiff unidiff, String samplerName, int leakGenerations, int leakSteps, long seed) {
        ResultTable table = new ResultTable("Memory (resident set of the whole process, native included)",
                List.of("measure", "value"));
        Optional<ProcessMemory> afterTiming = ProcessMemory.now();
        if (afterTiming.isEmpty()) {
            table.addRow(List.of("resident memory", "not available (no /proc/self/status)"));
            return table;
        }
        table.addRow(List.of("peak RSS (VmHWM) after the timing runs", mib(afterTiming.get().peakMib())));
        table.addRow(List.of("RSS before the small generations", mib(afterTiming.get().rssMib())));
        if (leakGenerations == 0) {
            table.addNote("no small generations (--leak-generations 0)");
            return table;
        }
        double heapBefore = heapMib();
        List<SpeedTask> cycle = List.of(SpeedTask.T2I_1, SpeedTask.CAPTION, SpeedTask.JOINT);
        long start = System.nanoTime();
        for (int i = 0; i < leakGenerations; i++) {
            cycle.get(i % cycle.size()).run(unidiff, seed + i, leakSteps, samplerName);
            if ((i + 1) % 100 == 0) {
                LOG.info("memory: {} of {} small generations, RSS {}", i + 1, leakGenerations,
                        mib(ProcessMemory.now().map(ProcessMemory::rssMib).orElse(Double.NaN)));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        ProcessMemory after = ProcessMemory.now().orElseThrow();
        double heapAfter = heapMib();
        table.addRow(List.of("RSS after " + leakGenerations + " small generations (" + leakSteps + " steps)",
                mib(after.rssMib())));
        table.addRow(List.of("RSS growth", mib(after.rssMib() - afterTiming.get().rssMib())));
        table.addRow(List.of("peak RSS (VmHWM) at the end", mib(after.peakMib())));
        table.addRow(List.of("Java heap in use after GC, before / after", mib(heapBefore) + " / " + mib(heapAfter)));
        table.addNote(String.format(Locale.ROOT, "the small generations cycle text->image, captioning and joint; "
                + "%.1f s", seconds));
        return table;
    }

    private static double heapMib() {
        Runtime rt = Runtime.getRuntime();
        // A request, not a guarantee; good enough to tell a leak (steady growth) from noise.
        System.gc();
        return (rt.totalMemory() - rt.freeMemory()) / (1024.0 * 1024.0);
    }

    private static String mib(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.1f MiB", value);
    }
}
