package dev.meshroute.reference.workloads;

import dev.meshroute.reference.model.MeshConfig;
import dev.meshroute.reference.model.Workload;
import dev.meshroute.reference.registry.Pod;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The pods the configuration's workloads ask for, kept running across applies, as a kubelet would: a
 * Deployment's pods are {@code <name>-0..n-1}, a Pod is itself; a pod whose name and labels are unchanged
 * keeps running, the rest are stopped or started.
 */
public final class PodSet implements AutoCloseable {

    private record Running(Pod pod, PodServer server) {
    }

    private final Function<Pod, PodServer> start;
    private final Map<String, Running> running = new LinkedHashMap<>();

    /** @param start starts a server for a pod (its address is still null) and returns it listening */
    public PodSet(Function<Pod, PodServer> start) {
        this.start = start;
    }

    /** Makes the running pods those of {@code config} and returns them, with their addresses. */
    public synchronized List<Pod> reconcile(MeshConfig config) {
        Map<String, Pod> wanted = new LinkedHashMap<>();
        for (Workload w : config.workloads()) {
            for (int i = 0; i < w.replicas(); i++) {
                String name = w.kind().equals("Pod") ? w.meta().name() : w.meta().name() + "-" + i;
                wanted.put(w.meta().namespace() + "/" + name, new Pod(name, w.meta().namespace(), w.podLabels(), null));
            }
        }
        running.entrySet().removeIf(e -> {
            Pod want = wanted.get(e.getKey());
            if (want == null || !want.labels().equals(e.getValue().pod().labels())) {
                e.getValue().server().close();
                return true;
            }
            return false;
        });
        List<Pod> pods = new ArrayList<>();
        for (Map.Entry<String, Pod> e : wanted.entrySet()) {
            Running r = running.computeIfAbsent(e.getKey(), k -> new Running(e.getValue(), start.apply(e.getValue())));
            Pod p = r.pod();
            pods.add(new Pod(p.name(), p.namespace(), p.labels(), r.server().address()));
        }
        return pods;
    }

    /**
     * Kills a pod's server, as a crash would: it stops listening and drops its connections, but stays in the set
     * (and so in the registry, at its old address) until a reconcile no longer wants it.
     *
     * @return false when no such pod runs
     */
    public synchronized boolean kill(String namespace, String name) {
        Running r = running.get(namespace + "/" + name);
        if (r == null) {
            return false;
        }
        r.server().close();
        return true;
    }

    /** The running pods' servers, by pod. */
    public synchronized Map<Pod, PodServer> servers() {
        Map<Pod, PodServer> out = new LinkedHashMap<>();
        running.values().forEach(r -> out.put(r.pod(), r.server()));
        return out;
    }

    @Override
    public synchronized void close() {
        running.values().forEach(r -> r.server().close());
        running.clear();
    }
}
