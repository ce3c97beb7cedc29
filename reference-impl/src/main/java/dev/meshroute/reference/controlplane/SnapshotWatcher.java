package dev.meshroute.reference.controlplane;

import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.WatchCancelledException;
import io.envoyproxy.controlplane.cache.XdsRequest;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import com.google.protobuf.Message;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The watch logic behind java-control-plane's discovery server, replacing its {@code SimpleCache}
 * for two reasons (DESIGN.md): SimpleCache answers nothing in ADS mode while a requested name is
 * missing from the snapshot, which stalls every update once a route names an undefined subset; and
 * it re-sends a NACKed version at once. Here a request is answered with the named resources that
 * exist, and a NACK is held until the next snapshot.
 */
final class SnapshotWatcher implements ConfigWatcher {

    private record OpenWatch(Watch watch, String heldVersion) {
    }

    private final Object lock = new Object();
    private Snapshot snapshot = Snapshot.createEmpty("0");
    /** Snapshots for particular proxies (a gateway proxy gets its own resources), by node id. */
    private Map<String, Snapshot> byNode = Map.of();
    private final List<OpenWatch> open = new ArrayList<>();
    private boolean published;

    @Override
    public Watch createWatch(boolean ads, XdsRequest request, Set<String> knownResourceNames,
                             Consumer<Response> responseConsumer, boolean hasClusterChanged,
                             boolean allowDefaultEmptyEdsUpdate) {
        Watch watch = new Watch(ads, allowDefaultEmptyEdsUpdate, request, responseConsumer);
        synchronized (lock) {
            Snapshot served = snapshotFor(request);
            String current = served.version(request.getTypeUrl());
            if (!published) {
                // Nothing published yet (a control plane that just started, or restarted): like istiod before its
                // caches sync, answer nothing, so a reconnecting proxy keeps its last configuration instead of
                // receiving an empty one.
                hold(watch, current);
            } else if (request.hasErrorDetail()) {
                // A NACK: do not send the rejected version again; wait for a new snapshot.
                hold(watch, current);
            } else if (!current.equals(request.getVersionInfo())
                    || asksForUnsent(served, request, knownResourceNames)) {
                respond(watch, served);
            } else {
                hold(watch, current);
            }
        }
        return watch;
    }

    /** True when the request names a resource that exists but the client has not received yet. */
    private static boolean asksForUnsent(Snapshot snapshot, XdsRequest request, Set<String> known) {
        Map<String, ? extends Message> resources = snapshot.resources(request.getResourceType());
        for (String name : request.getResourceNamesList()) {
            if (resources.containsKey(name) && !known.contains(name)) {
                return true;
            }
        }
        return false;
    }

    private void hold(Watch watch, String version) {
        OpenWatch entry = new OpenWatch(watch, version);
        open.add(entry);
        watch.setStop(() -> {
            synchronized (lock) {
                open.remove(entry);
            }
        });
    }

    /** Makes {@code next} the served snapshot and answers every watch whose type changed version. */
    void publish(Snapshot next) {
        publish(next, Map.of());
    }

    /**
     * Makes {@code next} the snapshot served to every proxy except those named in {@code perNode}, which get
     * their own, and answers every watch whose type changed version.
     */
    void publish(Snapshot next, Map<String, Snapshot> perNode) {
        synchronized (lock) {
            published = true;
            snapshot = next;
            byNode = Map.copyOf(perNode);
            for (OpenWatch w : List.copyOf(open)) {
                Snapshot s = snapshotFor(w.watch().request());
                if (!s.version(w.watch().request().getTypeUrl()).equals(w.heldVersion())) {
                    open.remove(w);
                    respond(w.watch(), s);
                }
            }
        }
    }

    private Snapshot snapshotFor(XdsRequest request) {
        return byNode.getOrDefault(request.v3Request().getNode().getId(), snapshot);
    }

    private static void respond(Watch watch, Snapshot snapshot) {
        XdsRequest request = watch.request();
        Map<String, ? extends Message> all = snapshot.resources(request.getResourceType());
        List<Message> resources = new ArrayList<>();
        if (request.getResourceNamesList().isEmpty()) {
            resources.addAll(all.values()); // wildcard subscription (LDS, CDS)
        } else {
            for (String name : new HashSet<>(request.getResourceNamesList())) {
                Message m = all.get(name);
                if (m != null) {
                    resources.add(m);
                }
            }
        }
        try {
            watch.respond(Response.create(request, resources, snapshot.version(request.getTypeUrl())));
        } catch (WatchCancelledException e) {
            // the stream moved on; its next request opens a new watch
        }
    }

    @Override
    public DeltaWatch createDeltaWatch(DeltaXdsRequest request, String requesterVersion,
                                       Map<String, String> resourceVersions, Set<String> pendingResources,
                                       boolean isWildcard, Consumer<DeltaResponse> responseConsumer,
                                       boolean hasClusterChanged) {
        throw new UnsupportedOperationException("the meshroute control plane serves state-of-the-world ADS only");
    }
}
