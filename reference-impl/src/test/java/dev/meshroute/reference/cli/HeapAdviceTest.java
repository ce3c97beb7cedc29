package dev.meshroute.reference.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeapAdviceTest {
    private static final long MB = 1 << 20;

    @Test
    void largeConfigurationOnAGrowingHeap_isAdvisedAFixedOne() {
        String advice = HeapAdvice.forHeap(10_000, 388 * MB, 6144 * MB).orElseThrow();
        assertTrue(advice.startsWith("meshroute: 10,000 HTTP routes with a heap that can grow and shrink (388 MB at"
                + " start, at most 6144 MB)"), advice);
        assertTrue(advice.contains("-Xms2g -Xmx2g -XX:+AlwaysPreTouch"), advice);
    }

    @Test
    void fixedHeapOrSmallConfiguration_noAdvice() {
        assertEquals(java.util.Optional.empty(), HeapAdvice.forHeap(10_000, 2048 * MB, 2048 * MB));
        assertEquals(java.util.Optional.empty(), HeapAdvice.forHeap(HeapAdvice.ROUTES, 388 * MB, 6144 * MB));
        assertEquals(java.util.Optional.empty(), HeapAdvice.forHeap(10_000, 388 * MB, -1)); // no maximum known
    }
}
