package dev.meshroute.reference.coverage;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Metadata;

import java.util.ArrayList;
import java.util.List;

/**
 * Where an Envoy route came from: the VirtualService ({@code namespace/name}), the index of its {@code http} rule,
 * the index of the rule's {@code match} entry (-1 for a rule without matches, or a match merged from a delegate's
 * and its root's), and, for each cluster of the route in order, the index of the rule's {@code route} destination it
 * stands for (weight-0 destinations are never sent, so the two lists can differ).
 *
 * <p>The translator writes it into the route's {@code metadata}: {@code filter_metadata.istio.config} as istiod writes
 * it ({@code util.BuildConfigInfoMetadata}: {@code /apis/networking.istio.io/v1/namespaces/NS/virtual-service/NAME}),
 * which also names the VirtualService, and the indexes as one string under {@code filter_metadata.meshroute.origin}
 * ({@code "RULE MATCH DEST..."}, say {@code "2 1 0 2"}), which Envoy ignores and only the reference control plane
 * sets. The proxy reads it back to report route coverage. One string rather than a field per index: every route
 * carries it, and with named fields (the VirtualService again, two numbers and a list) the metadata of 10,000 routes
 * was 2.2 MB of a 5.3 MB RDS to serialise, send and parse on every push; now 1.3 MB, istio.config 1 MB of it.
 */
public record RouteOrigin(String virtualService, int rule, int match, List<Integer> destinations) {

    /** The filter_metadata key istiod uses for the config path. */
    public static final String ISTIO_KEY = "istio";
    /** The filter_metadata key of the reference control plane's rule, match and destination indexes. */
    public static final String MESHROUTE_KEY = "meshroute";

    private static final String CONFIG_PREFIX = "/apis/networking.istio.io/v1/namespaces/";
    private static final String CONFIG_KIND = "/virtual-service/";

    public RouteOrigin {
        destinations = List.copyOf(destinations);
    }

    /** Istio's config path of a VirtualService ({@code util.BuildConfigInfoMetadata}). */
    public static String configPath(String namespace, String name) {
        return CONFIG_PREFIX + namespace + CONFIG_KIND + name;
    }

    public Metadata toMetadata() {
        int slash = virtualService.indexOf('/');
        Struct istio = Struct.newBuilder().putFields("config", string(configPath(virtualService.substring(0, slash),
                virtualService.substring(slash + 1)))).build();
        StringBuilder indexes = new StringBuilder().append(rule).append(' ').append(match);
        destinations.forEach(d -> indexes.append(' ').append(d));
        Struct meshroute = Struct.newBuilder().putFields("origin", string(indexes.toString())).build();
        return Metadata.newBuilder().putFilterMetadata(ISTIO_KEY, istio).putFilterMetadata(MESHROUTE_KEY, meshroute)
                .build();
    }

    /**
     * The origin written by {@link #toMetadata()}, or null when the route carries none (a default route, say) or
     * one this version cannot read.
     */
    public static RouteOrigin fromMetadata(Metadata metadata) {
        Struct meshroute = metadata.getFilterMetadataMap().get(MESHROUTE_KEY);
        Struct istio = metadata.getFilterMetadataMap().get(ISTIO_KEY);
        if (meshroute == null || istio == null || !meshroute.containsFields("origin")
                || !istio.containsFields("config")) {
            return null;
        }
        String virtualService = virtualService(istio.getFieldsOrThrow("config").getStringValue());
        String[] indexes = meshroute.getFieldsOrThrow("origin").getStringValue().split(" ");
        if (virtualService == null || indexes.length < 2) {
            return null;
        }
        try {
            List<Integer> dests = new ArrayList<>();
            for (int i = 2; i < indexes.length; i++) {
                dests.add(Integer.parseInt(indexes[i]));
            }
            return new RouteOrigin(virtualService, Integer.parseInt(indexes[0]), Integer.parseInt(indexes[1]), dests);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {@code NS/NAME} of Istio's config path of a VirtualService, or null for another path. */
    private static String virtualService(String configPath) {
        if (!configPath.startsWith(CONFIG_PREFIX)) {
            return null;
        }
        int kind = configPath.indexOf(CONFIG_KIND, CONFIG_PREFIX.length());
        if (kind < 0) {
            return null;
        }
        return configPath.substring(CONFIG_PREFIX.length(), kind) + "/" + configPath.substring(kind + CONFIG_KIND.length());
    }

    private static Value string(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }
}
