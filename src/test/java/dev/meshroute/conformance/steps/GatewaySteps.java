package dev.meshroute.conformance.steps;

import dev.meshroute.conformance.target.Exchange;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Steps that send requests through the mesh's ingress gateway (the proxy Gateway resources configure) rather
 * than through the client's sidecar. Outcomes are checked with the request steps' {@code Then} steps.
 */
public final class GatewaySteps {

    private final World world;

    public GatewaySteps(World world) {
        this.world = world;
    }

    @When("a client sends {word} {string} to the ingress gateway with host {string}")
    public void sendToIngressGateway(String method, String path, String host) {
        world.ensureApplied();
        Exchange.Request request = new Exchange.Request(method, path, host, List.of());
        world.lastRequest = request;
        long start = System.nanoTime();
        world.lastResponse = world.target.sendToIngressGateway(request);
        world.lastElapsedMillis = (System.nanoTime() - start) / 1_000_000;
        world.log("sent to the ingress gateway " + request + "\nreceived " + world.lastResponse);
    }

    @Then("the ingress gateway holds the routes {string} for {string}")
    public void gatewayHoldsRoutes(String names, String host) {
        world.ensureApplied();
        List<String> expected = List.of(names.split(",\\s*"));
        assertEquals(expected, world.target.ingressGatewayRouteNames(host),
                () -> "routes the ingress gateway holds for Host " + host);
    }
}
