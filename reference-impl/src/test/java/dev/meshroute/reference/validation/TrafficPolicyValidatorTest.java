package dev.meshroute.reference.validation;

import dev.meshroute.reference.config.ConfigLoader;
import dev.meshroute.reference.model.Diagnostic;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.meshroute.reference.testsupport.Fixtures.DR_V1_V2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Istio's trafficPolicy validation ({@code validation.go} validateTrafficPolicy and what it calls). */
class TrafficPolicyValidatorTest {

    private static List<Diagnostic> validate(String policy) {
        String text = DR_V1_V2.replace("  subsets:", "  trafficPolicy: " + policy + "\n  subsets:");
        ConfigLoader.LoadResult load = ConfigLoader.loadText("dr.yaml", text);
        assertEquals(List.of(), load.diagnostics(), "the test's YAML must parse");
        List<Diagnostic> out = new ArrayList<>();
        load.resources().forEach(r -> out.addAll(Validator.validate(r)));
        return out;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{}                                                              | traffic policy must have at least one field",
            "{connectionPool: {}}                                            | connection pool must have at least one field",
            "{connectionPool: {tcp: {maxConnections: -1}}}                   | max connections must be non-negative",
            "{connectionPool: {http: {http2MaxRequests: -1}}}                | http2 max requests must be non-negative",
            "{connectionPool: {http: {maxRequestsPerConnection: -1}}}        | max requests per connection must be non-negative",
            "{connectionPool: {http: {maxRetries: -2}}}                      | max retries must be non-negative",
            "{connectionPool: {http: {idleTimeout: 0ms}}}                    | duration must be greater than 1ms",
            "{outlierDetection: {interval: 0s}}                              | duration must be greater than 1ms",
            "{outlierDetection: {minHealthPercent: 101}}                     | percentage 101 is not in range 0..100",
            "{loadBalancer: {consistentHash: {httpCookie: {path: /}}}}       | name required for HttpCookie",
            "{loadBalancer: {consistentHash: {maglev: {tableSize: 0}}}}      | tableSize must be set for maglev",
            "{loadBalancer: {consistentHash: {maglev: {tableSize: 5000012}}}} | tableSize must be less than 5000011 for maglev",
            "{portLevelSettings: [{loadBalancer: {simple: RANDOM}}]}        | portTrafficPolicy must have valid port",
            "{portLevelSettings: [{port: {number: 80}}]}                     | port traffic policy must have at least one field",
            "{portLevelSettings: [{port: {number: 80}, connectionPool: {}}]} | connection pool must have at least one field",
    })
    void invalidPolicy_isAnErrorOnTheDestinationRule(String policy, String message) {
        List<Diagnostic> ds = validate(policy.trim());

        assertTrue(ds.stream().anyMatch(d -> d.isError() && d.message().contains(message)
                && d.resource().equals("DestinationRule default/my-app-dr")), ds.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{loadBalancer: {simple: ROUND_ROBIN}}",
            "{loadBalancer: {consistentHash: {httpHeaderName: x, ringHash: {minimumRingSize: 2048}}}}",
            "{loadBalancer: {consistentHash: {useSourceIp: true, maglev: {tableSize: 65537}}}}",
            "{connectionPool: {tcp: {maxConnections: 0}}}",
            "{outlierDetection: {consecutive5xxErrors: 3, interval: 1s, baseEjectionTime: 30s, maxEjectionPercent: 100}}"})
    void validPolicy_hasNoFindings(String policy) {
        assertEquals(List.of(), validate(policy));
    }

    @Test
    void deprecatedFields_areWarnings() {
        List<Diagnostic> ds = validate("{outlierDetection: {consecutiveErrors: 3}, loadBalancer: {consistentHash:"
                + " {httpHeaderName: x, minimumRingSize: 64}}}");

        assertEquals(2, ds.size(), ds.toString());
        assertTrue(ds.stream().noneMatch(Diagnostic::isError), ds.toString());
    }

    @Test
    void subsetPolicy_isValidatedToo() {
        String text = DR_V1_V2.replace("      version: v2\n",
                "      version: v2\n    trafficPolicy: {connectionPool: {tcp: {maxConnections: -4}}}\n");
        List<Diagnostic> out = new ArrayList<>();
        ConfigLoader.loadText("dr.yaml", text).resources().forEach(r -> out.addAll(Validator.validate(r)));

        assertEquals(1, out.size(), out.toString());
        assertTrue(out.get(0).message().startsWith("spec.subsets[1].trafficPolicy.connectionPool"), out.toString());
    }

    @Test
    void isPrime_asEnvoyCountsIt() {
        assertTrue(TrafficPolicyValidator.isPrime(65537));
        assertTrue(TrafficPolicyValidator.isPrime(2));
        assertTrue(!TrafficPolicyValidator.isPrime(0) && !TrafficPolicyValidator.isPrime(1000));
    }
}
