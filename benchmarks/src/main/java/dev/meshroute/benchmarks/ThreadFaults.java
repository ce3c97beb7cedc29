package dev.meshroute.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The calling thread's page faults so far, from Linux's {@code /proc/thread-self/stat}; {@code {-1, -1}} elsewhere. */
final class ThreadFaults {
    private ThreadFaults() {}

    /** {minor, major} page faults of the calling thread. */
    static long[] read() {
        try {
            String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            // the fields after the command name, which is in parentheses and may hold spaces
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[7]), Long.parseLong(f[9])}; // minflt (10th field), majflt (12th)
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        }
    }
}
