package dev.meshroute.reference.coverage;

import com.google.protobuf.ListValue;
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
 * and the indexes under {@code filter_metadata.meshroute}, which Envoy ignores and only the reference control plane
 * sets. The proxy reads it back to report route coverage.
 */
public record RouteOrigin(String virtualService, int rule, int match, List<Integer> destinations) {

    /** The filter_metadata key istiod uses for the config path. */
    public static final String ISTIO_KEY = "istio";
    /** The filter_metadata key of the reference control plane's rule, match and destination indexes. */
    public static final String MESHROUTE_KEY = "meshroute";

    public RouteOrigin {
        destinations = List.copyOf(destinations);
    }

    /** Istio's config path of a VirtualService ({@code util.BuildConfigInfoMetadata}). */
    public static String configPath(String namespace, String name) {
        return "/apis/networking.istio.io/v1/namespaces/" + namespace + "/virtual-service/" + name;
    }

    public Metadata toMetadata() {
        int slash = virtualService.indexOf('/');
        Struct istio = Struct.newBuilder().putFields("config", string(configPath(virtualService.substring(0, slash),
                virtualService.substring(slash + 1)))).build();
        ListValue.Builder dests = ListValue.newBuilder();
        destinations.forEach(d -> dests.addValues(Value.newBuilder().setNumberValue(d)));
        Struct meshroute = Struct.newBuilder()
                .putFields("virtualService", string(virtualService))
                .putFields("rule", Value.newBuilder().setNumberValue(rule).build())
                .putFields("match", Value.newBuilder().setNumberValue(match).build())
                .putFields("destinations", Value.newBuilder().setListValue(dests).build())
                .build();
        return Metadata.newBuilder().putFilterMetadata(ISTIO_KEY, istio).putFilterMetadata(MESHROUTE_KEY, meshroute)
                .build();
    }

    /** The origin written by {@link #toMetadata()}, or null when the route carries none (a default route, say). */
    public static RouteOrigin fromMetadata(Metadata metadata) {
        Struct s = metadata.getFilterMetadataMap().get(MESHROUTE_KEY);
        if (s == null || !s.containsFields("virtualService") || !s.containsFields("rule")) {
            return null;
        }
        List<Integer> dests = new ArrayList<>();
        if (s.containsFields("destinations")) {
            s.getFieldsOrThrow("destinations").getListValue().getValuesList()
                    .forEach(v -> dests.add((int) v.getNumberValue()));
        }
        return new RouteOrigin(s.getFieldsOrThrow("virtualService").getStringValue(),
                (int) s.getFieldsOrThrow("rule").getNumberValue(),
                s.containsFields("match") ? (int) s.getFieldsOrThrow("match").getNumberValue() : -1, dests);
    }

    private static Value string(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }
}
