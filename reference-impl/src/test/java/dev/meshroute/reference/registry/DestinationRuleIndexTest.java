package dev.meshroute.reference.registry;

import dev.meshroute.reference.model.MeshConfig;
import dev.meshroute.reference.model.Service;
import dev.meshroute.reference.model.Subset;
import dev.meshroute.reference.translate.ClientProxy;
import dev.meshroute.reference.translate.XdsTranslator;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.meshroute.reference.testsupport.Fixtures.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several DestinationRules for one host and which one a client uses (SEMANTICS.md 3.4-3.6; push_context.go
 * setDestinationRules / destinationRule, destination_rule.go mergeDestinationRule, sidecar.go DestinationRule).
 */
class DestinationRuleIndexTest {

    /** Service reviews in namespace prod. */
    private static final String REVIEWS = """
            apiVersion: v1
            kind: Service
            metadata: {name: reviews, namespace: prod}
            spec:
              selector: {app: reviews}
              ports: [{name: http, port: 80}]
            """;

    /** A DestinationRule; {@code extra} is more metadata or spec lines (already indented by two). */
    private static String dr(String name, String namespace, String host, String subsets, String extraMeta,
                             String extraSpec) {
        return """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: %s
                  namespace: %s
                %s
                spec:
                  host: %s
                  subsets: %s
                %s
                """.formatted(name, namespace, extraMeta, host, subsets, extraSpec);
    }

    private static String dr(String name, String namespace, String host, String subsets) {
        return dr(name, namespace, host, subsets, "", "");
    }

    private static DestinationRuleIndex index(MeshConfig c) {
        return new DestinationRuleIndex(c.destinationRules());
    }

    private static Service reviews(MeshConfig c) {
        return c.services().get(0);
    }

    /** subset name -> its version label, for the client namespace. */
    private static Map<String, String> subsets(MeshConfig c, String clientNamespace) {
        return index(c).subsets(clientNamespace, reviews(c)).stream()
                .collect(Collectors.toMap(Subset::name, s -> s.labels().getOrDefault("version", ""),
                        (a, b) -> a, java.util.LinkedHashMap::new));
    }

    // ---- merge within a namespace ---------------------------------------------------------------

    @Test
    void sameNamespace_subsetsUnionByName_olderRuleWinsADuplicate() {
        MeshConfig c = config(REVIEWS,
                dr("b-newer", "prod", "reviews", "[{name: v1, labels: {version: b}}, {name: v2, labels: {version: v2}}]",
                        "  creationTimestamp: 2026-02-01T00:00:00Z", ""),
                dr("a-older", "prod", "reviews", "[{name: v1, labels: {version: a}}]",
                        "  creationTimestamp: 2026-01-01T00:00:00Z", ""));

        assertEquals(Map.of("v1", "a", "v2", "v2"), subsets(c, "prod"));
        assertEquals(List.of("v1", "v2"), List.copyOf(subsets(c, "prod").keySet()), "the older rule's subsets first");
    }

    @Test
    void creationTimestampDecidesOverName() {
        MeshConfig c = config(REVIEWS,
                dr("a", "prod", "reviews", "[{name: v1, labels: {version: a}}]",
                        "  creationTimestamp: 2026-03-01T00:00:00Z", ""),
                dr("b", "prod", "reviews", "[{name: v1, labels: {version: b}}]",
                        "  creationTimestamp: 2026-01-01T00:00:00Z", ""));

        assertEquals(Map.of("v1", "b"), subsets(c, "prod"));
    }

    @Test
    void withoutTimestamps_nameDecidesNotFileOrder() {
        MeshConfig c = config(REVIEWS,
                dr("zeta", "prod", "reviews", "[{name: v1, labels: {version: zeta}}]"),
                dr("alpha", "prod", "reviews", "[{name: v1, labels: {version: alpha}}]"));

        assertEquals(Map.of("v1", "alpha"), subsets(c, "prod"));
    }

    @Test
    void ruleWithoutTimestampIsOlderThanOneWithATimestamp() {
        MeshConfig c = config(REVIEWS,
                dr("a", "prod", "reviews", "[{name: v1, labels: {version: a}}]",
                        "  creationTimestamp: 2026-01-01T00:00:00Z", ""),
                dr("b", "prod", "reviews", "[{name: v1, labels: {version: b}}]"));

        assertEquals(Map.of("v1", "b"), subsets(c, "prod"));
    }

    @Test
    void shortAndFullyQualifiedHostsMergeAsOneHost() {
        MeshConfig c = config(REVIEWS,
                dr("a", "prod", "reviews", "[{name: v1, labels: {version: v1}}]"),
                dr("b", "prod", "reviews.prod.svc.cluster.local", "[{name: v2, labels: {version: v2}}]"));

        assertEquals(List.of("v1", "v2"), List.copyOf(subsets(c, "prod").keySet()));
        assertEquals(2, index(c).forClient("prod", reviews(c)).orElseThrow().from().size());
    }

    @Test
    void differentExportTo_notMerged_theLaterRuleIsUsed() {
        MeshConfig c = config(REVIEWS,
                dr("a", "prod", "reviews", "[{name: v1, labels: {version: v1}}]", "", "  exportTo: ['*']"),
                dr("b", "prod", "reviews", "[{name: v2, labels: {version: v2}}]", "", "  exportTo: ['.']"));

        assertEquals(List.of("v2"), List.copyOf(subsets(c, "prod").keySet()), "client in prod sees both, uses the last");
        assertEquals(List.of("v1"), List.copyOf(subsets(c, "default").keySet()), "only a is exported");
    }

    @Test
    void sameExportTo_merged() {
        MeshConfig c = config(REVIEWS,
                dr("a", "prod", "reviews", "[{name: v1, labels: {version: v1}}]", "", "  exportTo: ['*']"),
                dr("b", "prod", "reviews", "[{name: v2, labels: {version: v2}}]", "", "  exportTo: ['*']"));

        assertEquals(List.of("v1", "v2"), List.copyOf(subsets(c, "default").keySet()));
    }

    // ---- lookup for a client --------------------------------------------------------------------

    @Test
    void clientNamespaceRuleWithoutSubsets_hidesTheServiceNamespaceSubsets() {
        MeshConfig c = config(REVIEWS,
                dr("reviews", "prod", "reviews", "[{name: v1, labels: {version: v1}}]"),
                dr("reviews", "default", "reviews.prod.svc.cluster.local", "[]"));

        assertEquals(Map.of(), subsets(c, "default"));
        assertEquals(List.of("v1"), List.copyOf(subsets(c, "prod").keySet()));
        assertEquals(List.of("v1"), List.copyOf(subsets(c, "other").keySet()));
    }

    @Test
    void noCrossNamespaceMerge_clientNamespaceRuleUsedAlone() {
        MeshConfig c = config(REVIEWS,
                dr("reviews", "prod", "reviews", "[{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]"),
                dr("reviews", "default", "reviews.prod.svc.cluster.local", "[{name: v3, labels: {version: v3}}]"));

        assertEquals(List.of("v3"), List.copyOf(subsets(c, "default").keySet()));
    }

    @Test
    void ruleInAThirdNamespace_notUsedByOtherClientsEvenIfExportedToAll() {
        MeshConfig c = config(REVIEWS,
                dr("reviews", "team", "reviews.prod.svc.cluster.local", "[{name: v1, labels: {version: v1}}]",
                        "", "  exportTo: ['*']"));

        assertEquals(Map.of(), subsets(c, "default"));
        assertEquals(List.of("v1"), List.copyOf(subsets(c, "team").keySet()));
    }

    @Test
    void rootNamespaceRule_usedWhenNoOtherLevelMatches() {
        MeshConfig c = config(REVIEWS,
                dr("reviews", "istio-system", "reviews.prod.svc.cluster.local", "[{name: v1, labels: {version: v1}}]"));

        assertEquals(List.of("v1"), List.copyOf(subsets(c, "default").keySet()));
    }

    @Test
    void serviceNamespaceBeforeRootNamespace() {
        MeshConfig c = config(REVIEWS,
                dr("reviews", "istio-system", "reviews.prod.svc.cluster.local", "[{name: root, labels: {version: v1}}]"),
                dr("reviews", "prod", "reviews", "[{name: svc, labels: {version: v1}}]"));

        assertEquals(List.of("svc"), List.copyOf(subsets(c, "default").keySet()));
    }

    @Test
    void exportTo_privateRuleInServiceNamespace_invisibleToOtherClients_rootRuleUsedInstead() {
        MeshConfig c = config(REVIEWS,
                dr("reviews", "prod", "reviews", "[{name: v1, labels: {version: v1}}]", "", "  exportTo: ['.']"),
                dr("reviews", "istio-system", "reviews.prod.svc.cluster.local", "[{name: root, labels: {version: v1}}]"));

        assertEquals(List.of("root"), List.copyOf(subsets(c, "default").keySet()));
        assertEquals(List.of("v1"), List.copyOf(subsets(c, "prod").keySet()));
    }

    @Test
    void exportTo_namedNamespaces() {
        MeshConfig c = config(REVIEWS,
                dr("reviews", "prod", "reviews", "[{name: v1, labels: {version: v1}}]", "", "  exportTo: [default]"));

        assertEquals(List.of("v1"), List.copyOf(subsets(c, "default").keySet()));
        assertEquals(Map.of(), subsets(c, "other"));
        assertEquals(Map.of(), subsets(c, "prod"), "not exported to its own namespace, so not even local");
    }

    @Test
    void exportTo_ownNamespaceByName_isPrivate() {
        MeshConfig c = config(REVIEWS,
                dr("reviews", "prod", "reviews", "[{name: v1, labels: {version: v1}}]", "", "  exportTo: [prod]"));

        assertEquals(List.of("v1"), List.copyOf(subsets(c, "prod").keySet()));
        assertEquals(Map.of(), subsets(c, "default"));
    }

    @Test
    void shortHostResolvesInTheRuleNamespace_dottedHostIsVerbatim() {
        MeshConfig c = config(REVIEWS,
                dr("short-elsewhere", "default", "reviews", "[{name: v1, labels: {version: v1}}]"),
                dr("dotted", "prod", "reviews.prod", "[{name: v2, labels: {version: v2}}]"));

        // "reviews" in default is reviews.default...; "reviews.prod" is no FQDN: neither applies to reviews.prod
        assertEquals(Map.of(), subsets(c, "default"));
        assertEquals(Map.of(), subsets(c, "prod"));
    }

    @Test
    void mostSpecificHostWithinALevel_exactBeforeWildcard_longerWildcardBeforeShorter() {
        MeshConfig c = config(REVIEWS,
                dr("all", "prod", "'*.svc.cluster.local'", "[{name: all, labels: {version: v1}}]"),
                dr("ns", "prod", "'*.prod.svc.cluster.local'", "[{name: ns, labels: {version: v1}}]"));
        assertEquals(List.of("ns"), List.copyOf(subsets(c, "prod").keySet()));

        MeshConfig withExact = config(REVIEWS,
                dr("ns", "prod", "'*.prod.svc.cluster.local'", "[{name: ns, labels: {version: v1}}]"),
                dr("exact", "prod", "reviews", "[{name: exact, labels: {version: v1}}]"));
        assertEquals(List.of("exact"), List.copyOf(subsets(withExact, "prod").keySet()));
    }

    // ---- the translation uses it ----------------------------------------------------------------

    @Test
    void translator_subsetClustersFollowTheClientNamespace() {
        MeshConfig c = config(REVIEWS,
                dr("reviews", "prod", "reviews", "[{name: v1, labels: {version: v1}}]"),
                dr("reviews", "default", "reviews.prod.svc.cluster.local", "[]"));

        assertEquals(List.of("outbound|80||reviews.prod.svc.cluster.local"),
                clusterNames(c, new ClientProxy("default", Map.of())));
        assertEquals(List.of("outbound|80||reviews.prod.svc.cluster.local",
                        "outbound|80|v1|reviews.prod.svc.cluster.local"),
                clusterNames(c, new ClientProxy("prod", Map.of())));
    }

    private static List<String> clusterNames(MeshConfig c, ClientProxy proxy) {
        List<String> names = XdsTranslator.translate(c, List.of(), proxy).clusters().stream().map(Cluster::getName)
                .toList();
        assertTrue(names.stream().allMatch(n -> n.startsWith("outbound|")), names.toString());
        return names;
    }
}
