package dev.meshroute.conformance.steps;

import dev.meshroute.conformance.target.Exchange;
import io.cucumber.java.en.Then;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Steps for delegation scenarios, where a service's default route may answer from any of its versions. */
public final class DelegateSteps {

    private final World world;

    public DelegateSteps(World world) {
        this.world = world;
    }

    /** A pod answered 200, and its {@code version} label is one of a comma-separated list. */
    @Then("it is served by one of the versions {string}")
    public void servedByOneOf(String versions) {
        List<String> allowed = List.of(versions.split(",\\s*"));
        Exchange.Response r = world.lastResponse;
        assertTrue(r.reachedPod(), () -> "expected a pod of version " + allowed + " to answer " + world.lastRequest
                + ", but got " + r);
        assertEquals(200, r.status(), () -> "status of " + world.lastRequest);
        assertTrue(allowed.contains(r.labels().get("version")), () -> world.lastRequest + " was served by pod "
                + r.pod() + " " + r.labels() + ", expected one of the versions " + allowed);
    }
}
