package dev.meshroute.conformance;

import dev.meshroute.conformance.target.MeshUnderTest;
import dev.meshroute.conformance.target.Targets;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fails the run when the requested target cannot run here. Its scenarios are then all skipped with the
 * reason, and a run whose every scenario was skipped must not look like a pass. (The default target,
 * the bundled reference, is always available.)
 */
class TargetAvailabilityIT {

    @Test
    void requestedTarget_canRunHere() {
        MeshUnderTest target = Targets.get();
        assertTrue(target.unavailable().isEmpty(), () -> "target '" + Targets.selected() + "' was requested but "
                + "cannot run here: " + target.unavailable().orElse("") + "; its scenarios were skipped, not passed");
    }
}
