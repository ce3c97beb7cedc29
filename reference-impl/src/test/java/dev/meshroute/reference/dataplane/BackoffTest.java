package dev.meshroute.reference.dataplane;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackoffTest {

    @Test
    void ceiling_doublesFromTheBase_andStopsAtTheCap() {
        Backoff b = new Backoff(100, 1_000, () -> 0L);
        List<Long> ceilings = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ceilings.add(b.ceilingMillis());
            b.nextDelayMillis();
        }
        assertEquals(List.of(100L, 200L, 400L, 800L, 1_000L, 1_000L, 1_000L), ceilings);
    }

    @Test
    void delay_isJitteredBetweenHalfTheBaseAndTheCeiling() {
        Random seeded = new Random(42);
        Backoff b = new Backoff(100, 10_000, () -> seeded.nextLong() & Long.MAX_VALUE);
        HashSet<Long> distinct = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            long ceiling = b.ceilingMillis();
            long d = b.nextDelayMillis();
            assertTrue(d >= 50 && d < ceiling, d + " outside [50, " + ceiling + ")");
            distinct.add(d);
        }
        assertTrue(distinct.size() > 100, "not jittered: " + distinct.size() + " distinct delays");
    }

    @Test
    void extremes_ofTheRandomValue_stayInRange() {
        Backoff low = new Backoff(100, 10_000, () -> 0L);
        Backoff high = new Backoff(100, 10_000, () -> Long.MAX_VALUE);
        for (int i = 0; i < 20; i++) {
            long c = high.ceilingMillis();
            assertEquals(50, low.nextDelayMillis());
            long d = high.nextDelayMillis();
            assertTrue(d >= 50 && d < c, d + " vs " + c);
        }
    }

    @Test
    void reset_startsAgainFromTheBase() {
        Backoff b = new Backoff(100, 10_000, () -> 0L);
        for (int i = 0; i < 5; i++) {
            b.nextDelayMillis();
        }
        assertEquals(3_200, b.ceilingMillis());
        b.reset();
        assertEquals(100, b.ceilingMillis());
    }

    @Test
    void invalidBounds_areRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(1, 10, () -> 0L));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(100, 50, () -> 0L));
    }
}
