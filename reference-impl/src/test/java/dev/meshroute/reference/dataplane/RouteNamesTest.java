package dev.meshroute.reference.dataplane;

import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The routes the proxy holds for a Host, in order: what route-inspection scenarios read. */
class RouteNamesTest {

    private static Route route(String name, String prefix) {
        return Route.newBuilder().setName(name).setMatch(RouteMatch.newBuilder().setPrefix(prefix))
                .setRoute(RouteAction.newBuilder().setCluster("c")).build();
    }

    private static final RouteTable TABLE = RouteTable.compile(RouteConfiguration.newBuilder().setName("80")
            .setIgnorePortInHostMatching(true)
            .addVirtualHosts(VirtualHost.newBuilder().setName("a").addDomains("a.example")
                    .addRoutes(route("first", "/x")).addRoutes(route("second", "/")))
            .addVirtualHosts(VirtualHost.newBuilder().setName("b").addDomains("b.example")
                    .addRoutes(route("only", "/")))
            .build(), List.of("c"), Map.of(), () -> 0L);

    @Test
    void routeNames_listsTheChosenVirtualHostsRoutesInOrder() {
        assertEquals(List.of("first", "second"), TABLE.routeNames("a.example"));
        assertEquals(List.of("first", "second"), TABLE.routeNames("A.EXAMPLE:80"));
        assertEquals(List.of("only"), TABLE.routeNames("b.example"));
    }

    @Test
    void routeNames_unknownHost_isEmpty() {
        assertEquals(List.of(), TABLE.routeNames("c.example"));
    }
}
