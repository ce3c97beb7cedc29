package dev.meshroute.reference.cli;

import java.util.Locale;
import java.util.Optional;

/**
 * What {@code serve} tells a user whose configuration is large and whose heap may grow and shrink. Each push of a
 * large VirtualService allocates hundreds of MB; under that load G1 grows the heap, and gives memory back after a
 * concurrent cycle, and the pushes after each growth spend up to half a second in page faults touching the new
 * memory (BENCHMARKS.md, push to effect). A fixed heap ({@code -Xms} = {@code -Xmx}) avoids it.
 */
final class HeapAdvice {
    /** Above this many HTTP routes the stalls were seen (10,000: yes; 1,000: not measurable). */
    static final int ROUTES = 5_000;

    private HeapAdvice() {}

    /** The advice for {@code routes} routes on a heap of {@code initialBytes} (at most {@code maxBytes}). */
    static Optional<String> forHeap(int routes, long initialBytes, long maxBytes) {
        if (routes <= ROUTES || maxBytes < 0 || initialBytes == maxBytes) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "meshroute: %,d HTTP routes with a heap that can grow and"
                + " shrink (%d MB at start, at most %d MB): pushes may stall for up to half a second in page faults."
                + " For large configurations start serve with a fixed heap: java -Xms2g -Xmx2g -XX:+AlwaysPreTouch"
                + " -jar ... (README, \"Try the reference mesh\")", routes, initialBytes >> 20, maxBytes >> 20));
    }
}
