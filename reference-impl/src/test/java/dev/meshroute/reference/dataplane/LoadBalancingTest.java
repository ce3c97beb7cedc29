package dev.meshroute.reference.dataplane;

import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The proxy's side of trafficPolicy: endpoint choice, hash keys, outlier ejection, circuit breakers. */
class LoadBalancingTest {

    private static final List<RouteTable.Endpoint> PODS = List.of(endpoint("a", 9001), endpoint("b", 9002),
            endpoint("c", 9003));

    private static RouteTable.Endpoint endpoint(String pod, int port) {
        return new RouteTable.Endpoint(InetSocketAddress.createUnresolved("127.0.0.1", port), pod);
    }

    private static Cluster cluster(Cluster.LbPolicy policy) {
        return Cluster.newBuilder().setName("c").setLbPolicy(policy).build();
    }

    private static HttpRequestHead request(String path, String... headers) {
        List<Map.Entry<String, String>> hs = new ArrayList<>();
        for (int i = 0; i < headers.length; i += 2) {
            hs.add(Map.entry(headers[i], headers[i + 1]));
        }
        return new HttpRequestHead("GET", path, "my-app", "http", hs, "10.0.0.7:41000");
    }

    // ---- load balancer ------------------------------------------------------------------------------------

    @Test
    void roundRobin_takesTurnsInOrder() {
        LoadBalancer lb = new LoadBalancer(cluster(Cluster.LbPolicy.ROUND_ROBIN));
        List<String> picked = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            picked.add(lb.pick(PODS, OptionalLong.empty(), () -> 0L, Map.of()).podName());
        }
        assertEquals(List.of("a", "b", "c", "a", "b", "c"), picked);
    }

    @Test
    void random_usesTheRandomValue() {
        LoadBalancer lb = new LoadBalancer(cluster(Cluster.LbPolicy.RANDOM));
        assertEquals("b", lb.pick(PODS, OptionalLong.empty(), () -> 4L, Map.of()).podName());
    }

    @Test
    void leastRequest_ofTwoDrawnEndpointsTakesTheLessBusy() {
        LoadBalancer lb = new LoadBalancer(cluster(Cluster.LbPolicy.LEAST_REQUEST));
        AtomicLong draws = new AtomicLong();
        RandomSource aThenC = () -> draws.getAndIncrement() == 0 ? 0L : 2L;
        Map<RouteTable.Endpoint, Integer> active = Map.of(PODS.get(0), 5, PODS.get(2), 1);
        assertEquals("c", lb.pick(PODS, OptionalLong.empty(), aThenC, active).podName());
        draws.set(0);
        assertEquals("a", lb.pick(PODS, OptionalLong.empty(), aThenC, Map.of()).podName(), "a tie keeps the first");
    }

    @Test
    void ringHash_sameHashSameEndpoint_differentHashesSpread() {
        for (Cluster.LbPolicy policy : List.of(Cluster.LbPolicy.RING_HASH, Cluster.LbPolicy.MAGLEV)) {
            LoadBalancer lb = new LoadBalancer(cluster(policy));
            AtomicLong random = new AtomicLong();
            RouteTable.Endpoint first = lb.pick(PODS, OptionalLong.of(42), random::getAndIncrement, Map.of());
            for (int i = 0; i < 20; i++) {
                assertEquals(first, lb.pick(PODS, OptionalLong.of(42), random::getAndIncrement, Map.of()), policy.name());
            }
            Set<String> seen = new HashSet<>();
            for (int key = 0; key < 50; key++) {
                seen.add(lb.pick(PODS, OptionalLong.of(LoadBalancer.hash("key-" + key)), () -> 0L, Map.of())
                        .podName());
            }
            assertEquals(Set.of("a", "b", "c"), seen, policy.name());
        }
    }

    @Test
    void ringHash_withoutAHashPicksAtRandom() {
        LoadBalancer lb = new LoadBalancer(cluster(Cluster.LbPolicy.RING_HASH));
        assertEquals("c", lb.pick(PODS, OptionalLong.empty(), () -> 2L, Map.of()).podName());
        assertEquals("a", lb.pick(PODS, OptionalLong.empty(), () -> 3L, Map.of()).podName());
    }

    // ---- hash policies ------------------------------------------------------------------------------------

    private static RouteAction.HashPolicy header(String name) {
        return RouteAction.HashPolicy.newBuilder()
                .setHeader(RouteAction.HashPolicy.Header.newBuilder().setHeaderName(name)).build();
    }

    @Test
    void hash_headerPresentOrAbsent() {
        assertEquals(OptionalLong.of(LoadBalancer.hash("alice")),
                HashPolicies.compute(List.of(header("x-user")), request("/", "x-user", "alice")).value());
        assertEquals(OptionalLong.empty(), HashPolicies.compute(List.of(header("x-user")), request("/")).value());
    }

    @Test
    void hash_queryParameterCookieAndSourceIp() {
        RouteAction.HashPolicy query = RouteAction.HashPolicy.newBuilder().setQueryParameter(
                RouteAction.HashPolicy.QueryParameter.newBuilder().setName("user")).build();
        RouteAction.HashPolicy cookie = RouteAction.HashPolicy.newBuilder().setCookie(
                RouteAction.HashPolicy.Cookie.newBuilder().setName("session")).build();
        RouteAction.HashPolicy source = RouteAction.HashPolicy.newBuilder().setConnectionProperties(
                RouteAction.HashPolicy.ConnectionProperties.newBuilder().setSourceIp(true)).build();

        assertEquals(OptionalLong.of(LoadBalancer.hash("bob")),
                HashPolicies.compute(List.of(query), request("/x?a=1&user=bob&user=eve")).value());
        assertEquals(OptionalLong.empty(), HashPolicies.compute(List.of(query), request("/x?users=bob")).value());
        assertEquals(OptionalLong.of(LoadBalancer.hash("s1")), HashPolicies.compute(List.of(cookie),
                request("/", "cookie", "theme=dark; session=\"s1\"")).value());
        assertEquals(OptionalLong.empty(), HashPolicies.compute(List.of(cookie), request("/")).value(),
                "no ttl: no cookie is made up");
        assertEquals(OptionalLong.of(LoadBalancer.hash("10.0.0.7")),
                HashPolicies.compute(List.of(source), request("/")).value());
    }

    @Test
    void hash_cookieWithTtlIsMadeUpAndSet() {
        RouteAction.HashPolicy cookie = RouteAction.HashPolicy.newBuilder().setCookie(
                RouteAction.HashPolicy.Cookie.newBuilder().setName("session").setPath("/")
                        .setTtl(Durations.fromSeconds(60))).build();

        HashPolicies.Hash h = HashPolicies.compute(List.of(cookie), request("/"));

        assertTrue(h.value().isPresent());
        HeaderMutation.Op op = h.setCookie().ops().get(0);
        assertEquals("set-cookie", op.name());
        String value = op.value().substring("session=\"".length(), op.value().indexOf("\";"));
        assertEquals("session=\"" + value + "\"; Max-Age=60; Path=/; HttpOnly", op.value());
        assertEquals(OptionalLong.of(LoadBalancer.hash(value)), h.value(), "the request is hashed by the new cookie");
        assertEquals(h.value(), HashPolicies.compute(List.of(cookie), request("/", "cookie", "session=" + value))
                .value(), "sending the cookie back hashes the same");
    }

    // ---- outlier detection --------------------------------------------------------------------------------

    private static OutlierDetector detector(OutlierDetection od, AtomicLong clock) {
        return OutlierDetector.of(Cluster.newBuilder().setOutlierDetection(od).build(), clock::get);
    }

    @Test
    void outlier_consecutive5xxEjectsForTheBaseTimeThenReturns() {
        AtomicLong clock = new AtomicLong(1_000);
        OutlierDetector d = detector(OutlierDetection.newBuilder().setConsecutive5Xx(UInt32Value.of(2))
                .setBaseEjectionTime(Durations.fromSeconds(30)).setMaxEjectionPercent(UInt32Value.of(100))
                .build(), clock);
        RouteTable.Endpoint a = PODS.get(0);

        d.record(a, 500, 3);
        d.record(a, 200, 3); // a success resets the count
        d.record(a, 500, 3);
        assertEquals(PODS, d.healthy(PODS));
        d.record(a, 502, 3);
        assertEquals(PODS.subList(1, 3), d.healthy(PODS));
        clock.addAndGet(30_000);
        assertEquals(PODS, d.healthy(PODS));
        d.record(a, 500, 3);
        d.record(a, 500, 3);
        clock.addAndGet(59_999);
        assertFalse(d.healthy(PODS).contains(a), "the second ejection lasts twice the base time");
    }

    @Test
    void outlier_gatewayFailuresOnlyCount502To504_andFiveXxZeroDisablesThatDetector() {
        AtomicLong clock = new AtomicLong();
        OutlierDetector d = detector(OutlierDetection.newBuilder()
                .setConsecutive5Xx(UInt32Value.of(0)).setEnforcingConsecutive5Xx(UInt32Value.of(0))
                .setConsecutiveGatewayFailure(UInt32Value.of(1)).setMaxEjectionPercent(UInt32Value.of(100))
                .setEnforcingConsecutiveGatewayFailure(UInt32Value.of(100)).build(), clock);

        for (int i = 0; i < 10; i++) {
            d.record(PODS.get(0), 500, 3);
        }
        assertEquals(PODS, d.healthy(PODS));
        d.record(PODS.get(1), 503, 3);
        assertEquals(List.of(PODS.get(0), PODS.get(2)), d.healthy(PODS));
    }

    @Test
    void outlier_envoyDefaults_fiveConsecutive5xxButAtMostTenPercent() {
        AtomicLong clock = new AtomicLong();
        OutlierDetector small = detector(OutlierDetection.getDefaultInstance(), clock);
        for (int i = 0; i < 10; i++) {
            small.record(PODS.get(0), 500, 3);
        }
        assertEquals(PODS, small.healthy(PODS), "one of three is 33%, more than the default 10%");

        List<RouteTable.Endpoint> ten = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ten.add(endpoint("p" + i, 9100 + i));
        }
        OutlierDetector large = detector(OutlierDetection.getDefaultInstance(), clock);
        for (int i = 0; i < 4; i++) {
            large.record(ten.get(0), 500, 10);
        }
        assertEquals(10, large.healthy(ten).size(), "four in a row is below the default of five");
        large.record(ten.get(0), 500, 10);
        assertEquals(9, large.healthy(ten).size());
        for (int i = 0; i < 5; i++) {
            large.record(ten.get(1), 500, 10);
        }
        assertEquals(9, large.healthy(ten).size(), "a second ejection would make 20%");
    }

    @Test
    void outlier_alwaysEjectOneHost_ejectsOneWhateverThePercent() {
        AtomicLong clock = new AtomicLong();
        OutlierDetector d = detector(OutlierDetection.newBuilder().setConsecutive5Xx(UInt32Value.of(1))
                .setAlwaysEjectOneHost(com.google.protobuf.BoolValue.of(true)).build(), clock);
        d.record(PODS.get(0), 500, 3);
        d.record(PODS.get(1), 500, 3);
        assertEquals(List.of(PODS.get(1), PODS.get(2)), d.healthy(PODS));
    }

    @Test
    void upstream_everyEndpointEjectedWithoutPanicPicksNothing_withPanicPicksAny() {
        AtomicLong clock = new AtomicLong();
        OutlierDetection od = OutlierDetection.newBuilder().setConsecutive5Xx(UInt32Value.of(1))
                .setMaxEjectionPercent(UInt32Value.of(100)).build();
        Cluster noPanic = Cluster.newBuilder().setOutlierDetection(od).setCommonLbConfig(
                Cluster.CommonLbConfig.newBuilder().setHealthyPanicThreshold(
                        io.envoyproxy.envoy.type.v3.Percent.newBuilder().setValue(0))).build();
        UpstreamCluster u = new UpstreamCluster(noPanic, clock::get, dev.meshroute.reference.mutants.Mutant.NONE);
        UpstreamCluster panic = new UpstreamCluster(noPanic.toBuilder().clearCommonLbConfig().build(), clock::get,
                dev.meshroute.reference.mutants.Mutant.NONE);
        for (RouteTable.Endpoint e : PODS) {
            u.finished(e, 500, 3);
            panic.finished(e, 500, 3);
        }
        assertEquals(null, u.pick(PODS, OptionalLong.empty(), () -> 0L));
        assertEquals("a", panic.pick(PODS, OptionalLong.empty(), () -> 0L).podName(), "Envoy's default panic 50%");
    }

    // ---- circuit breakers ---------------------------------------------------------------------------------

    @Test
    void circuitBreaker_connectionsThenPendingThenOverflow_releasePassesTheSlotOn() {
        CircuitBreaker b = CircuitBreaker.of(Cluster.newBuilder().setCircuitBreakers(CircuitBreakers.newBuilder()
                .addThresholds(CircuitBreakers.Thresholds.newBuilder().setMaxConnections(UInt32Value.of(1))
                        .setMaxPendingRequests(UInt32Value.of(1)))).build());
        List<String> log = new ArrayList<>();
        b.admit(() -> log.add("go 1"), () -> log.add("overflow 1"));
        b.admit(() -> log.add("go 2"), () -> log.add("overflow 2"));
        b.admit(() -> log.add("go 3"), () -> log.add("overflow 3"));
        assertEquals(List.of("go 1", "overflow 3"), log);
        b.release();
        assertEquals(List.of("go 1", "overflow 3", "go 2"), log);
        b.release();
        b.admit(() -> log.add("go 4"), () -> log.add("overflow 4"));
        assertEquals("go 4", log.get(3));
    }

    @Test
    void circuitBreaker_maxRequestsOverflowsWithoutWaiting() {
        CircuitBreaker b = CircuitBreaker.of(Cluster.newBuilder().setCircuitBreakers(CircuitBreakers.newBuilder()
                .addThresholds(CircuitBreakers.Thresholds.newBuilder().setMaxRequests(UInt32Value.of(1))
                        .setMaxPendingRequests(UInt32Value.of(5)))).build());
        Map<String, Integer> log = new HashMap<>();
        b.admit(() -> log.merge("go", 1, Integer::sum), () -> log.merge("overflow", 1, Integer::sum));
        b.admit(() -> log.merge("go", 1, Integer::sum), () -> log.merge("overflow", 1, Integer::sum));
        assertEquals(Map.of("go", 1, "overflow", 1), log);
    }

    @Test
    void circuitBreaker_istioDefaultsLimitNothing() {
        CircuitBreaker b = CircuitBreaker.of(Cluster.newBuilder().setCircuitBreakers(CircuitBreakers.newBuilder()
                .addThresholds(CircuitBreakers.Thresholds.newBuilder().setMaxConnections(UInt32Value.of(-1))
                        .setMaxPendingRequests(UInt32Value.of(-1)).setMaxRequests(UInt32Value.of(-1)))).build());
        AtomicLong went = new AtomicLong();
        for (int i = 0; i < 5000; i++) {
            b.admit(went::incrementAndGet, () -> { });
        }
        assertEquals(5000, went.get());
    }
}
