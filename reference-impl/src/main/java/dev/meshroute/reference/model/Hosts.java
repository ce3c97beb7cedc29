package dev.meshroute.reference.model;

import java.util.Locale;

/** Istio's host-name rules: short names resolve against the namespace of the rule that wrote them. */
public final class Hosts {

    public static final String DOMAIN_SUFFIX = "cluster.local";

    private Hosts() {
    }

    public static String fqdn(String name, String namespace) {
        return name + "." + namespace + ".svc." + DOMAIN_SUFFIX;
    }

    /**
     * Resolves a host as istiod does ({@code ResolveShortnameToFQDN}): a name without a dot becomes
     * {@code name.<namespace>.svc.cluster.local}; a name with a dot is taken verbatim (so
     * {@code reviews.prod} is NOT expanded); {@code *} stays as is. Lower-cased.
     */
    public static String resolve(String host, String namespace) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("*") || h.contains(".")) {
            return h;
        }
        return fqdn(h, namespace);
    }
}
