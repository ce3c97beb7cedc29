package dev.meshroute.benchmarks;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ThreadFaultsTest {

    @Test
    void countsTheMinorFaultsOfTouchingNewMemory() {
        assumeTrue(Files.isReadable(Path.of("/proc/thread-self/stat")), "needs Linux's /proc/thread-self");
        long[] before = ThreadFaults.read();
        ByteBuffer fresh = ByteBuffer.allocateDirect(32 << 20); // zeroed by this thread: every page touched once
        long[] after = ThreadFaults.read();
        assertTrue(fresh.capacity() > 0);
        // 32 MB is 8,192 pages of 4 KB (fewer with huge pages, which the JVM does not ask for here)
        assertTrue(after[0] - before[0] >= 1_000, () -> "minor faults " + before[0] + " -> " + after[0]);
        assertEquals(0, after[1] - before[1], "no major faults for anonymous memory");
    }
}
