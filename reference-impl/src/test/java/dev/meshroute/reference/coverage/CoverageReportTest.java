package dev.meshroute.reference.coverage;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshroute.reference.model.MeshConfig;
import dev.meshroute.reference.testsupport.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CoverageReportTest {

    private static final String HTTP = """
            - name: beta
              match:
              - headers: {end-user: {exact: jason}}
              - uri: {prefix: /beta}
              route:
              - destination: {host: my-app, subset: v2}
            - name: old
              match: [{uri: {prefix: /old}}]
              redirect: {uri: /new}
            - route:
              - {destination: {host: my-app, subset: v1}, weight: 90}
              - {destination: {host: my-app, subset: v2}, weight: 10}
            """;

    private static MeshConfig config() {
        return Fixtures.config(Fixtures.SERVICE, Fixtures.vs("my-app", HTTP));
    }

    @Test
    void entries_listEveryRuleMatchAndDestination_withTheirHits() {
        Map<String, Long> hits = Map.of(CoverageRecorder.key("default/my-app", 0, null, null), 3L,
                CoverageRecorder.key("default/my-app", 0, 1, null), 3L,
                CoverageRecorder.key("default/my-app", 2, null, 1), 2L);
        List<CoverageEntry> entries = CoverageReport.entries(config(), hits, vs -> true);
        // rule 0: rule, 2 matches, 1 destination; rule 1 (redirect): rule, 1 match; rule 2: rule, 2 destinations
        assertEquals(9, entries.size(), entries.toString());
        assertEquals(List.of("rule", "match", "match", "destination", "rule", "match", "rule", "destination",
                "destination"), entries.stream().map(CoverageEntry::kind).toList());
        assertEquals(List.of(3L, 0L, 3L, 0L, 0L, 0L, 0L, 0L, 2L), entries.stream().map(CoverageEntry::hits).toList());
        assertEquals("-> my-app subset v2 weight 10", entries.get(8).description());
        assertEquals("test.yaml:" + (Fixtures.lineOf(Fixtures.docs(Fixtures.SERVICE, Fixtures.vs("my-app", HTTP)),
                "weight: 10")), entries.get(8).location());
        assertTrue(entries.get(2).description().contains("uri prefix: \"/beta\""), entries.get(2).description());
        assertEquals(0, CoverageReport.entries(config(), hits, vs -> false).size());
    }

    @Test
    void report_addsUpTheSameEntry_andCountsPercentAndUncovered() {
        CoverageReport report = new CoverageReport();
        List<CoverageEntry> none = CoverageReport.entries(config(), Map.of(), vs -> true);
        report.add(none);
        assertEquals(0.0, report.percent());
        report.add(CoverageReport.entries(config(), Map.of(CoverageRecorder.key("default/my-app", 1, null, null), 1L,
                CoverageRecorder.key("default/my-app", 1, 0, null), 1L), vs -> true));
        report.add(none.stream().map(e -> e.withSource("other.yaml")).toList());
        assertEquals(18, report.total(), "the same VirtualService from another source is another set of entries");
        assertEquals(2, report.covered());
        assertEquals(100.0 * 2 / 18, report.percent(), 1e-9);
        assertEquals(16, report.uncovered().size());
        assertEquals("route coverage: 11.1% of 18 rule/match/destination entries (16 not exercised)",
                report.summaryLine());
    }

    @Test
    void threshold_failsBelowAndPassesAtOrAbove() {
        CoverageReport report = new CoverageReport().add(CoverageReport.entries(config(),
                Map.of(CoverageRecorder.key("default/my-app", 2, null, null), 1L), vs -> true));
        double percent = report.percent(); // 1 of 9
        assertTrue(report.belowThreshold(percent).isEmpty());
        assertTrue(report.belowThreshold(0).isEmpty());
        String why = report.belowThreshold(50).orElseThrow();
        assertEquals("route coverage 11.11% is below the required 50% (1 of 9 rule/match/destination entries"
                + " exercised; 8 never were)", why);
        assertTrue(new CoverageReport().belowThreshold(100).isEmpty(), "nothing to cover: nothing left unexercised");
    }

    @Test
    void parseThreshold_takesPercentagesAndExplainsTheRest() {
        assertEquals(80.0, CoverageReport.parseThreshold("80", "--fail-under"));
        assertEquals(87.5, CoverageReport.parseThreshold(" 87.5% ", "--fail-under"));
        assertEquals("--fail-under: 'lots' is not a percentage (e.g. 80 or 87.5)", assertThrows(
                IllegalArgumentException.class, () -> CoverageReport.parseThreshold("lots", "--fail-under"))
                .getMessage());
        assertEquals("--fail-under: 101 is not between 0 and 100", assertThrows(IllegalArgumentException.class,
                () -> CoverageReport.parseThreshold("101", "--fail-under")).getMessage());
    }

    @Test
    void json_holdsTotalsByKindAndEveryEntry() throws Exception {
        CoverageReport report = new CoverageReport().add(CoverageReport.entries(config(),
                Map.of(CoverageRecorder.key("default/my-app", 2, null, 0), 4L), vs -> true));
        Map<?, ?> json = new ObjectMapper().readValue(report.toJson(), Map.class);
        assertEquals("meshroute-route-coverage/1", json.get("format"));
        assertEquals(9, json.get("entries"));
        assertEquals(1, json.get("covered"));
        assertEquals(Map.of("entries", 3, "covered", 1), ((Map<?, ?>) json.get("byKind")).get("destination"));
        List<?> items = (List<?>) json.get("items");
        Map<?, ?> hit = (Map<?, ?>) items.get(7);
        assertEquals(Map.of("kind", "destination", "source", "test.yaml", "virtualService", "default/my-app", "rule", 2,
                "destination", 0, "description", "-> my-app subset v1 weight 90", "location", hit.get("location"),
                "hits", 4), hit);
    }

    @Test
    void origin_roundTripsThroughRouteMetadata_withIstiosConfigPath() {
        RouteOrigin o = new RouteOrigin("shop/reviews", 2, 1, List.of(0, 2));
        var md = o.toMetadata();
        assertEquals("/apis/networking.istio.io/v1/namespaces/shop/virtual-service/reviews",
                md.getFilterMetadataOrThrow("istio").getFieldsOrThrow("config").getStringValue());
        assertEquals(o, RouteOrigin.fromMetadata(md));
        assertEquals(null, RouteOrigin.fromMetadata(io.envoyproxy.envoy.config.core.v3.Metadata.getDefaultInstance()));
    }

    @Test
    void origin_withoutMatchOrDestinations_roundTrips_andTheIndexesAreOneShortString() {
        RouteOrigin o = new RouteOrigin("default/a-b.c", 10, -1, List.of());
        var md = o.toMetadata();
        assertEquals(o, RouteOrigin.fromMetadata(md));
        assertEquals("10 -1", md.getFilterMetadataOrThrow("meshroute").getFieldsOrThrow("origin").getStringValue());
        assertEquals(1, md.getFilterMetadataOrThrow("meshroute").getFieldsCount());
    }

    @Test
    void origin_isNotRead_fromAnotherConfigPathOrBadIndexes() {
        var md = new RouteOrigin("shop/reviews", 2, 1, List.of(0)).toMetadata();
        var otherPath = md.toBuilder().putFilterMetadata("istio", com.google.protobuf.Struct.newBuilder()
                .putFields("config", com.google.protobuf.Value.newBuilder()
                        .setStringValue("/apis/networking.istio.io/v1/namespaces/shop/destination-rule/reviews").build())
                .build()).build();
        assertEquals(null, RouteOrigin.fromMetadata(otherPath));
        var badIndexes = md.toBuilder().putFilterMetadata("meshroute", com.google.protobuf.Struct.newBuilder()
                .putFields("origin", com.google.protobuf.Value.newBuilder().setStringValue("2 x").build()).build())
                .build();
        assertEquals(null, RouteOrigin.fromMetadata(badIndexes));
    }
}
