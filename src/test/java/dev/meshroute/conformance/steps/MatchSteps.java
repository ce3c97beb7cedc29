package dev.meshroute.conformance.steps;

import dev.meshroute.conformance.target.Exchange;
import io.cucumber.java.en.Then;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Steps for match tables, where one example row ends at a pod and the next at the proxy's own reply. */
public final class MatchSteps {

    private final World world;

    public MatchSteps(World world) {
        this.world = world;
    }

    /**
     * The outcome of the last request, in the words a weighted split counts it in: a pod's {@code version}
     * label (the pod answered 200), or the proxy's own reply as status and response flag, e.g. {@code "404 NR"}.
     */
    @Then("the outcome is {string}")
    public void outcome(String expected) {
        Exchange.Response r = world.lastResponse;
        if (r.reachedPod()) {
            assertEquals(200, r.status(), () -> "status of " + world.lastRequest + "; got " + r
                    + world.diagnosis("outcome " + expected));
        }
        assertEquals(expected, r.outcome(), () -> "outcome of " + world.lastRequest + "; got " + r
                + world.diagnosis("outcome " + expected));
    }
}
