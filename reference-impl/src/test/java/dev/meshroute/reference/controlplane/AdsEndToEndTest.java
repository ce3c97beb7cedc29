package dev.meshroute.reference.controlplane;

import dev.meshroute.reference.config.ConfigLoader;
import dev.meshroute.reference.config.ConfigStore;
import dev.meshroute.reference.dataplane.AdsClient;
import dev.meshroute.reference.dataplane.HttpRequestHead;
import dev.meshroute.reference.dataplane.RouteDecision;
import dev.meshroute.reference.dataplane.RouteTable;
import dev.meshroute.reference.model.MeshConfig;
import dev.meshroute.reference.registry.Pod;
import dev.meshroute.reference.testsupport.Await;
import dev.meshroute.reference.translate.ClientProxy;
import dev.meshroute.reference.translate.XdsResources;
import dev.meshroute.reference.translate.XdsTranslator;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static dev.meshroute.reference.testsupport.Fixtures.FQDN;
import static dev.meshroute.reference.testsupport.Fixtures.guideDir;
import static dev.meshroute.reference.testsupport.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The control plane and the proxy's ADS client over real gRPC on loopback. */
@Timeout(15)
class AdsEndToEndTest {

    private static final String NODE = "sidecar~127.0.0.1~test-client.default~default.svc.cluster.local";
    private static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
    private static final List<Pod> PODS = List.of(pod("my-app-v1-0", "v1", 9001), pod("my-app-v1-1", "v1", 9002),
            pod("my-app-v2-0", "v2", 9003));

    private final AtomicReference<RouteTable> table = new AtomicReference<>();
    private ControlPlane controlPlane;
    private AdsClient ads;

    @BeforeEach
    void start() {
        controlPlane = new ControlPlane(new InetSocketAddress("127.0.0.1", 0)).start();
        ads = new AdsClient("127.0.0.1", controlPlane.port(), NODE, 80, () -> 0L, table::set).start();
    }

    @AfterEach
    void stop() {
        if (ads != null) {
            ads.close();
        }
        if (controlPlane != null) {
            controlPlane.close();
        }
    }

    private String publishAndAwaitLive(XdsResources resources) {
        String version = controlPlane.publish(resources);
        Await.until("version " + version + " is live", Duration.ofSeconds(5), () -> controlPlane.isLive(NODE, version));
        return version;
    }

    private static XdsResources translate(MeshConfig config) {
        return XdsTranslator.translate(config, PODS, ClientProxy.DEFAULT);
    }

    private static String guideFile(String name) {
        try {
            return Files.readString(guideDir().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The guide's VirtualService with the beta-tester rule sent to {@code subset} instead of v2. */
    private static String vsBetaTo(String subset) {
        String vs = guideFile("my-app-vs.yaml");
        String changed = vs.replace("subset: v2\n  - route:", "subset: " + subset + "\n  - route:");
        assertNotEquals(vs, changed, "the fixture changed shape; adjust the test");
        return changed;
    }

    /** The guide's DestinationRule plus a subset v3 (version=v3). */
    private static String drWithV3() {
        return guideFile("my-app-dr.yaml") + "  - name: v3\n    labels:\n      version: v3\n";
    }

    private static MeshConfig config(String vs, String dr) {
        ConfigLoader.LoadResult load = ConfigLoader.loadText("guide.yaml",
                String.join("---\n", guideFile("my-app-workloads.yaml"), dr, vs));
        assertEquals(List.of(), load.diagnostics());
        return MeshConfig.of(load.resources());
    }

    private static MeshConfig guide() {
        ConfigStore.Outcome o = new ConfigStore().apply(ConfigLoader.loadDirectory(guideDir()));
        assertFalse(o.hasErrors(), o.diagnostics().toString());
        return o.config();
    }

    private static HttpRequestHead betaTester() {
        return new HttpRequestHead("GET", "/", "my-app", "http",
                List.of(Map.entry("user-agent", "Mozilla/5.0 beta-tester")));
    }

    private String routeBetaTester() {
        RouteDecision d = table.get().route(betaTester());
        if (d instanceof RouteDecision.Forward f) {
            return f.cluster();
        }
        RouteDecision.LocalReply r = (RouteDecision.LocalReply) d;
        return r.status() + " " + r.responseFlags();
    }

    /** The given resources with route configuration "80" replaced by one whose regex RE2 cannot compile. */
    private static XdsResources withUncompilableRoute(XdsResources good) {
        RouteConfiguration bad = RouteConfiguration.newBuilder().setName("80")
                .addVirtualHosts(VirtualHost.newBuilder().setName("bad").addDomains("my-app")
                        .addRoutes(Route.newBuilder()
                                .setMatch(RouteMatch.newBuilder().setPrefix("/")
                                        .addHeaders(HeaderMatcher.newBuilder().setName("user-agent")
                                                .setStringMatch(StringMatcher.newBuilder().setSafeRegex(
                                                        RegexMatcher.newBuilder().setRegex("(?=x)")))))
                                .setRoute(RouteAction.newBuilder()
                                        .setCluster("outbound|80|v1|" + FQDN))))
                .build();
        return new XdsResources(good.listeners(), List.of(bad), good.clusters(), good.endpoints());
    }

    @Test
    void publish_guideConfig_becomesLiveAndRoutesBetaTesterToV2() {
        publishAndAwaitLive(translate(guide()));

        assertEquals("outbound|80|v2|" + FQDN, routeBetaTester());
        RouteDecision.Forward f = assertInstanceOf(RouteDecision.Forward.class, table.get().route(betaTester()));
        assertEquals("my-app-v2-0", f.podName());
        assertTrue(controlPlane.nacks().isEmpty(), controlPlane.nacks().toString());
    }

    @Test
    void publish_routeToUndefinedSubset_stillBecomesLive() {
        publishAndAwaitLive(translate(guide()));

        publishAndAwaitLive(translate(config(vsBetaTo("v3"), guideFile("my-app-dr.yaml"))));

        assertEquals("503 NC", routeBetaTester());
        assertTrue(controlPlane.nacks().isEmpty(), controlPlane.nacks().toString());

        // and the next update after it is not stalled either
        publishAndAwaitLive(translate(guide()));
        assertEquals("outbound|80|v2|" + FQDN, routeBetaTester());
    }

    @Test
    void publish_subsetRemovedWhileTheProxyStillSubscribesToItsCluster_stillBecomesLive() {
        // v3 exists (no pods: 503 UH); then the DR drops v3 while the VS still routes to it. The proxy's EDS
        // subscription still names outbound|80|v3|..., which the new snapshot lacks: the update must not stall.
        publishAndAwaitLive(translate(config(vsBetaTo("v3"), drWithV3())));
        assertEquals("503 UH", routeBetaTester());

        publishAndAwaitLive(translate(config(vsBetaTo("v3"), guideFile("my-app-dr.yaml"))));

        assertEquals("503 NC", routeBetaTester());
        assertTrue(controlPlane.nacks().isEmpty(), controlPlane.nacks().toString());
    }

    @Test
    void publish_routeConfigTheProxyCannotCompile_isNackedOnceAndPreviousTableStays() {
        XdsResources good = translate(config(vsBetaTo("v1"), guideFile("my-app-dr.yaml")));
        publishAndAwaitLive(good);
        assertEquals("outbound|80|v1|" + FQDN, routeBetaTester());

        String bad = controlPlane.publish(withUncompilableRoute(translate(guide())));
        Await.until("the proxy NACKs version " + bad, Duration.ofSeconds(5), () -> !controlPlane.nacks().isEmpty());

        // watch for re-sends of the rejected version: there must be none until the next publish
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        while (System.nanoTime() < until) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        List<ControlPlane.Nack> nacks = controlPlane.nacks();
        assertEquals(1, nacks.size(), nacks.toString());
        assertEquals(RDS, nacks.get(0).typeUrl());
        assertEquals(NODE, nacks.get(0).nodeId());
        assertTrue(nacks.get(0).message().contains("(?=x)"), nacks.get(0).message());
        assertFalse(controlPlane.isLive(NODE, bad));
        // the rejected route configuration never reached the table: beta testers still go to v1, not v2
        assertEquals("outbound|80|v1|" + FQDN, routeBetaTester());

        // a good update after the NACK goes through
        publishAndAwaitLive(translate(guide()));
        assertEquals("outbound|80|v2|" + FQDN, routeBetaTester());
        assertEquals(1, controlPlane.nacks().size());
    }
}
