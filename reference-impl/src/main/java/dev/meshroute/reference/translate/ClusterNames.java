package dev.meshroute.reference.translate;

/** Istio's cluster names: {@code outbound|<port>|<subset>|<fqdn>} ({@code model.BuildSubsetKey}). */
public final class ClusterNames {

    private ClusterNames() {
    }

    public static String outbound(int port, String subset, String fqdn) {
        return "outbound|" + port + "|" + (subset == null ? "" : subset) + "|" + fqdn;
    }
}
