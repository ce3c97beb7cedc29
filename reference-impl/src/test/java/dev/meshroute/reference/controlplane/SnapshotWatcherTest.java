package dev.meshroute.reference.controlplane;

import com.google.protobuf.Message;
import com.google.rpc.Status;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.XdsRequest;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The watch logic that replaces java-control-plane's SimpleCache (DESIGN.md "Known pitfalls"): a request
 * naming a resource missing from the snapshot is answered with the ones that exist, and a NACK is not
 * answered with the same version again.
 */
class SnapshotWatcherTest {

    private static final String EDS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";

    private final SnapshotWatcher watcher = new SnapshotWatcher();
    private final List<Response> responses = new ArrayList<>();

    /** A snapshot whose clusters and assignments are {@code names}. */
    private static Snapshot snapshot(String version, String... names) {
        List<Cluster> clusters = new ArrayList<>();
        List<ClusterLoadAssignment> assignments = new ArrayList<>();
        for (String n : names) {
            clusters.add(Cluster.newBuilder().setName(n).setType(Cluster.DiscoveryType.EDS).build());
            assignments.add(ClusterLoadAssignment.newBuilder().setClusterName(n).build());
        }
        return Snapshot.create(clusters, assignments, List.of(), List.of(), List.of(), version);
    }

    private void watchEds(String version, boolean nack, List<String> names, Set<String> known) {
        DiscoveryRequest.Builder r = DiscoveryRequest.newBuilder().setTypeUrl(EDS).setVersionInfo(version)
                .addAllResourceNames(names);
        if (nack) {
            r.setErrorDetail(Status.newBuilder().setCode(3).setMessage("rejected"));
        }
        watcher.createWatch(true, XdsRequest.create(r.build()), known, responses::add, false, false);
    }

    private static List<String> names(Response r) {
        List<String> out = new ArrayList<>();
        for (Message m : r.resources()) {
            out.add(((ClusterLoadAssignment) m).getClusterName());
        }
        return out.stream().sorted().toList();
    }

    @Test
    void createWatch_requestNamingAMissingResource_isAnsweredWithTheOnesThatExist() {
        watcher.publish(snapshot("1", "a"));

        watchEds("", false, List.of("a", "b"), Set.of());

        assertEquals(1, responses.size());
        assertEquals("1", responses.get(0).version());
        assertEquals(List.of("a"), names(responses.get(0)));
    }

    @Test
    void publish_heldWatchNamingAResourceThatDisappeared_isStillAnswered() {
        watcher.publish(snapshot("1", "a", "b"));
        watchEds("1", false, List.of("a", "b"), Set.of("a", "b"));
        assertTrue(responses.isEmpty(), "up to date: held until the next snapshot");

        watcher.publish(snapshot("2", "a"));

        assertEquals(1, responses.size());
        assertEquals("2", responses.get(0).version());
        assertEquals(List.of("a"), names(responses.get(0)));
    }

    @Test
    void createWatch_nack_isHeldUntilTheNextSnapshot() {
        watcher.publish(snapshot("1", "a"));
        watcher.publish(snapshot("2", "a", "b"));

        // the proxy rejected version 2: its request still carries version 1, with an error
        watchEds("1", true, List.of("a", "b"), Set.of("a", "b"));
        assertTrue(responses.isEmpty(), "the NACKed version must not be sent again at once");

        watcher.publish(snapshot("3", "a"));
        assertEquals(1, responses.size());
        assertEquals("3", responses.get(0).version());
    }

    @Test
    void createWatch_staleVersion_isAnsweredAtOnce() {
        watcher.publish(snapshot("2", "a"));

        watchEds("1", false, List.of("a"), Set.of("a"));

        assertEquals(1, responses.size());
        assertEquals("2", responses.get(0).version());
    }

    private void watchEdsAs(String node, String version, List<String> names) {
        DiscoveryRequest r = DiscoveryRequest.newBuilder().setTypeUrl(EDS).setVersionInfo(version)
                .setNode(io.envoyproxy.envoy.config.core.v3.Node.newBuilder().setId(node)).addAllResourceNames(names)
                .build();
        watcher.createWatch(true, XdsRequest.create(r), version.isEmpty() ? Set.of() : Set.copyOf(names),
                responses::add, false, false);
    }

    @Test
    void publish_perNodeSnapshot_servedOnlyToThatNode() {
        watcher.publish(snapshot("1", "sidecar-only", "shared"), java.util.Map.of("router~gw", snapshot("1", "shared",
                "gateway-only")));

        watchEdsAs("sidecar~a", "", List.of("sidecar-only", "shared", "gateway-only"));
        watchEdsAs("router~gw", "", List.of("sidecar-only", "shared", "gateway-only"));

        assertEquals(List.of("shared", "sidecar-only"), names(responses.get(0)));
        assertEquals(List.of("gateway-only", "shared"), names(responses.get(1)));
    }

    @Test
    void publish_heldWatchOfANode_answeredWithItsNewSnapshot() {
        watcher.publish(snapshot("1", "a"), java.util.Map.of("router~gw", snapshot("1", "g")));
        watchEdsAs("router~gw", "1", List.of("g"));
        assertTrue(responses.isEmpty());

        watcher.publish(snapshot("2", "a"), java.util.Map.of("router~gw", snapshot("2", "g", "h")));

        assertEquals(1, responses.size());
        assertEquals(List.of("g"), names(responses.get(0)));
        assertEquals("2", responses.get(0).version());
    }
}
