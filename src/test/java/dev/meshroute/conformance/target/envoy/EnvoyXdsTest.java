package dev.meshroute.conformance.target.envoy;

import dev.meshroute.reference.config.ConfigLoader;
import dev.meshroute.reference.config.ConfigStore;
import dev.meshroute.reference.model.MeshConfig;
import dev.meshroute.reference.registry.Pod;
import dev.meshroute.reference.translate.ClientProxy;
import dev.meshroute.reference.translate.XdsResources;
import dev.meshroute.reference.translate.XdsTranslator;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.ResponseMapper;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnvoyXdsTest {

    private static XdsResources guide() {
        Path dir = Path.of(System.getProperty("meshroute.root", "."), "fixtures/guide");
        MeshConfig config = new ConfigStore().apply(ConfigLoader.loadDirectory(dir)).config();
        List<Pod> pods = List.of(
                new Pod("my-app-v1-0", "default", Map.of("app", "my-app", "version", "v1"),
                        InetSocketAddress.createUnresolved("127.0.0.1", 40001)),
                new Pod("my-app-v2-0", "default", Map.of("app", "my-app", "version", "v2"),
                        InetSocketAddress.createUnresolved("127.0.0.1", 40002)));
        return XdsTranslator.translate(config, pods, ClientProxy.DEFAULT);
    }

    private static HttpConnectionManager hcm(Listener l) throws Exception {
        return l.getFilterChains(0).getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
    }

    @Test
    void forContainer_movesTheCapturedListenerToAnUnprivilegedPort() {
        XdsResources out = EnvoyXds.forContainer(guide(), "172.17.0.1");
        assertEquals(List.of(EnvoyXds.LISTENER_PORT), out.listeners().stream()
                .map(l -> l.getAddress().getSocketAddress().getPortValue()).toList());
    }

    @Test
    void forContainer_addsResponseFlagsToEveryProxyMadeReply() throws Exception {
        HttpConnectionManager hcm = hcm(EnvoyXds.forContainer(guide(), "172.17.0.1").listeners().get(0));
        ResponseMapper mapper = hcm.getLocalReplyConfig().getMappers(0);
        assertTrue(mapper.getFilter().hasResponseFlagFilter(), "filter: any reply with a response flag");
        assertEquals(0, mapper.getFilter().getResponseFlagFilter().getFlagsCount(), "no flag list means any flag");
        assertEquals("x-response-flags", mapper.getHeadersToAdd(0).getHeader().getKey());
        assertEquals("%RESPONSE_FLAGS%", mapper.getHeadersToAdd(0).getHeader().getValue());
        assertEquals("80", hcm.getRds().getRouteConfigName(), "routing is untouched");
    }

    @Test
    void forContainer_pointsEndpointsAtTheHostAddressAndKeepsTheirPorts() {
        XdsResources in = guide();
        XdsResources out = EnvoyXds.forContainer(in, "172.17.0.1");
        int endpoints = 0;
        for (ClusterLoadAssignment cla : out.endpoints()) {
            for (var locality : cla.getEndpointsList()) {
                for (var lb : locality.getLbEndpointsList()) {
                    endpoints++;
                    assertEquals("172.17.0.1", lb.getEndpoint().getAddress().getSocketAddress().getAddress());
                    assertTrue(List.of(40001, 40002).contains(lb.getEndpoint().getAddress().getSocketAddress()
                            .getPortValue()));
                }
            }
        }
        assertTrue(endpoints >= 4, "default and subset clusters all have endpoints: " + endpoints);
        assertEquals(in.routes(), out.routes());
        assertEquals(in.clusters(), out.clusters());
    }
}
