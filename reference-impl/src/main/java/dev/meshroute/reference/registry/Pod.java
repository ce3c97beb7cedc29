package dev.meshroute.reference.registry;

import java.net.InetSocketAddress;
import java.util.Map;

/** A running pod: its identity, its labels and the address its server listens on. */
public record Pod(String name, String namespace, Map<String, String> labels, InetSocketAddress address) {

    public Pod {
        labels = Map.copyOf(labels);
    }

    public boolean hasLabels(Map<String, String> wanted) {
        return labels.entrySet().containsAll(wanted.entrySet());
    }
}
