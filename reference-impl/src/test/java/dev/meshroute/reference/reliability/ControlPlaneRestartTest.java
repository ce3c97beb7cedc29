package dev.meshroute.reference.reliability;

import dev.meshroute.reference.config.ConfigLoader;
import dev.meshroute.reference.controlplane.ControlPlane;
import dev.meshroute.reference.dataplane.AdsClient;
import dev.meshroute.reference.dataplane.ProxyServer;
import dev.meshroute.reference.dataplane.RandomSource;
import dev.meshroute.reference.dataplane.RouteDecision;
import dev.meshroute.reference.dataplane.Router;
import dev.meshroute.reference.model.MeshConfig;
import dev.meshroute.reference.registry.Pod;
import dev.meshroute.reference.testsupport.Await;
import dev.meshroute.reference.translate.ClientProxy;
import dev.meshroute.reference.translate.XdsResources;
import dev.meshroute.reference.translate.XdsTranslator;
import dev.meshroute.reference.workloads.EchoServer;
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
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static dev.meshroute.reference.testsupport.Fixtures.DR_V1_V2;
import static dev.meshroute.reference.testsupport.Fixtures.SERVICE;
import static dev.meshroute.reference.testsupport.Fixtures.docs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The proxy against a control plane that goes away and comes back, and against a configuration it rejects (issue
 * #10): it keeps serving its last configuration, reconnects with a capped, jittered exponential back-off and takes
 * the restarted control plane's configuration; a NACKed version is reported once, kept in
 * {@link AdsClient#rejections()}, and neither re-sent by the control plane nor re-requested by the proxy.
 */
@Timeout(60)
class ControlPlaneRestartTest {

    private static final String NODE = "sidecar~127.0.0.1~restart-client.default~default.svc.cluster.local";
    private static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";

    private final List<EchoServer> servers = new ArrayList<>();
    private final List<Pod> pods = new ArrayList<>();
    private final AtomicReference<Router> router =
            new AtomicReference<>(request -> RouteDecision.LocalReply.noRoute());
    private ControlPlane controlPlane;
    private AdsClient ads;
    private ProxyServer proxy;

    @BeforeEach
    void start() {
        for (String version : List.of("v1", "v2")) {
            Map<String, String> labels = Map.of("app", "my-app", "version", version);
            EchoServer server = new EchoServer("my-app-" + version, "default", labels);
            server.start();
            servers.add(server);
            pods.add(new Pod("my-app-" + version, "default", labels, server.address()));
        }
        controlPlane = new ControlPlane(new InetSocketAddress("127.0.0.1", 0)).start();
        ads = new AdsClient("127.0.0.1", controlPlane.port(), NODE, 80, RandomSource.THREAD_LOCAL, router::set)
                .start();
        proxy = new ProxyServer(0, router::get);
        proxy.start();
    }

    @AfterEach
    void stop() {
        ads.close();
        proxy.close();
        controlPlane.close();
        servers.forEach(EchoServer::close);
    }

    private XdsResources routeTo(String subset) {
        ConfigLoader.LoadResult load = ConfigLoader.loadText("restart.yaml", docs(SERVICE, DR_V1_V2, """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: my-app}
                spec:
                  hosts: [my-app]
                  http:
                  - route: [{destination: {host: my-app, subset: %s}}]
                """.formatted(subset)));
        assertEquals(List.of(), load.diagnostics());
        return XdsTranslator.translate(MeshConfig.of(load.resources()), pods, ClientProxy.DEFAULT);
    }

    private String publishAndAwait(ControlPlane cp, XdsResources resources) {
        String version = cp.publish(resources);
        Await.until("version " + version + " is live", Duration.ofSeconds(20), () -> cp.isLive(NODE, version));
        return version;
    }

    @Test
    void controlPlaneRestart_proxyServesItsLastConfig_reconnectsWithBackoff_takesTheNewConfig() throws Exception {
        publishAndAwait(controlPlane, routeTo("v1"));
        int port = controlPlane.port();
        try (Http1 client = new Http1(proxy.port())) {
            assertEquals("my-app-v1", client.get("my-app", "/").pod());

            controlPlane.close();
            // while the control plane is down: every request still answered by the last configuration
            long downUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
            int served = 0;
            while (System.nanoTime() < downUntil) {
                Http1.Response r = client.get("my-app", "/");
                assertEquals(200, r.status(), r.toString());
                assertEquals("my-app-v1", r.pod());
                served++;
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            List<Long> delays = ads.reconnectDelays();
            // it tries again, but does not spin: back-off from 100 ms doubling (jittered, never below 50 ms)
            assertTrue(delays.size() >= 2, "no reconnect attempts: " + delays);
            assertTrue(delays.size() <= 12, "reconnecting too often: " + delays);
            assertTrue(delays.stream().allMatch(d -> d >= 50 && d < 10_000), delays.toString());

            controlPlane = new ControlPlane(new InetSocketAddress("127.0.0.1", port)).start();
            ControlPlane restarted = controlPlane;
            publishAndAwait(restarted, routeTo("v2"));
            System.out.printf("control plane restart: %d requests served while it was down, reconnect delays %s%n",
                    served, delays);
            assertEquals("my-app-v2", client.get("my-app", "/").pod());
            assertTrue(ads.rejections().isEmpty(), ads.rejections().toString());
        }
    }

    @Test
    void restartedControlPlaneWithoutConfigYet_proxyKeepsItsLastConfig() throws Exception {
        publishAndAwait(controlPlane, routeTo("v1"));
        int port = controlPlane.port();
        long responses = ads.responsesReceived();
        controlPlane.close();
        controlPlane = new ControlPlane(new InetSocketAddress("127.0.0.1", port)).start();
        // reconnected (its subscriptions reach the new control plane), but nothing published there yet
        ControlPlane restarted = controlPlane;
        Await.until("the proxy subscribes to the restarted control plane", Duration.ofSeconds(15),
                () -> restarted.hasSubscriber(NODE));
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
        assertEquals(responses, ads.responsesReceived(), "an unconfigured control plane must not answer");
        try (Http1 client = new Http1(proxy.port())) {
            assertEquals("my-app-v1", client.get("my-app", "/").pod());
        }
    }

    @Test
    void rejectedConfig_reportedOnce_notResent_proxyDoesNotSpin() throws Exception {
        publishAndAwait(controlPlane, routeTo("v1"));

        XdsResources good = routeTo("v2");
        RouteConfiguration bad = RouteConfiguration.newBuilder().setName("80")
                .addVirtualHosts(VirtualHost.newBuilder().setName("bad").addDomains("my-app")
                        .addRoutes(Route.newBuilder()
                                .setMatch(RouteMatch.newBuilder().setPrefix("/")
                                        .addHeaders(HeaderMatcher.newBuilder().setName("x-user")
                                                .setStringMatch(StringMatcher.newBuilder().setSafeRegex(
                                                        RegexMatcher.newBuilder().setRegex("(a)\\1")))))
                                .setRoute(RouteAction.newBuilder().setCluster("outbound|80|v2|my-app"))))
                .build();
        String rejected = controlPlane.publish(new XdsResources(good.listeners(), List.of(bad), good.clusters(),
                good.endpoints()));
        Await.until("the proxy rejects version " + rejected, Duration.ofSeconds(10),
                () -> !ads.rejections().isEmpty());
        // the other types of that version still arrive and are ACKed; then the stream must go quiet
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));

        long sent = ads.requestsSent();
        long received = ads.responsesReceived();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
        assertEquals(sent, ads.requestsSent(), "the proxy keeps asking after its NACK");
        assertEquals(received, ads.responsesReceived(), "the control plane re-sends the rejected version");
        assertEquals(1, ads.rejections().size(), ads.rejections().toString());
        AdsClient.Rejection r = ads.rejections().get(0);
        assertEquals(RDS, r.typeUrl());
        assertEquals(rejected, r.version());
        assertTrue(r.message().contains("(a)\\1"), r.message());
        assertEquals(1, controlPlane.nacks().size(), controlPlane.nacks().toString());
        try (Http1 client = new Http1(proxy.port())) {
            // the whole rejected version stays out: v1 keeps the traffic (not the new CDS with the old routes)
            assertEquals("my-app-v1", client.get("my-app", "/").pod());
            publishAndAwait(controlPlane, good);
            assertEquals("my-app-v2", client.get("my-app", "/").pod());
        }
        assertEquals(1, ads.rejections().size());
    }
}
