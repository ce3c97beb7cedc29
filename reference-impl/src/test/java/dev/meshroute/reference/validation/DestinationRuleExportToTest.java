package dev.meshroute.reference.validation;

import dev.meshroute.reference.config.ConfigLoader;
import dev.meshroute.reference.model.DestinationRule;
import dev.meshroute.reference.model.Diagnostic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.List;

import static dev.meshroute.reference.testsupport.Fixtures.lineOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A DestinationRule's exportTo (validation.go validateExportTo), metadata.creationTimestamp (the merge order) and
 * workloadSelector (not implemented by the reference, so rejected rather than applied to every client).
 */
class DestinationRuleExportToTest {

    private static String dr(String metaExtra, String specExtra) {
        return """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: reviews
                  namespace: prod
                %s
                spec:
                  host: reviews
                %s
                """.formatted(metaExtra, specExtra);
    }

    private static ConfigLoader.LoadResult load(String yaml) {
        return ConfigLoader.loadText("dr.yaml", yaml);
    }

    private static List<String> validate(String yaml) {
        ConfigLoader.LoadResult r = load(yaml);
        assertEquals(List.of(), r.diagnostics());
        return Validator.validate(r.resources().get(0)).stream().map(Diagnostic::message).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"['.']", "['*']", "[default]", "[prod, default]", "['.', default]", "[]"})
    void exportTo_valid(String exportTo) {
        assertEquals(List.of(), validate(dr("", "  exportTo: " + exportTo)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "['*', default]|cannot have both public (*) and non-public exportTo values for a resource",
            "[default, default]|duplicate entries in exportTo for entry default",
            "[prod, '.']|duplicate entries in exportTo: . and current namespace prod",
            "['.', prod]|duplicate entries in exportTo for entry prod",
            "['~']|exportTo ~ (none) is not allowed for Istio configuration objects",
            "[Not_A_Namespace]|only .,*, or a valid DNS 1123 label is allowed as exportTo entry"})
    void exportTo_invalid_rejectedWithIstiosMessage(String exportTo, String message) {
        List<String> ms = validate(dr("", "  exportTo: " + exportTo));

        assertEquals(1, ms.size(), ms.toString());
        assertEquals("spec.exportTo: " + message, ms.get(0));
    }

    @Test
    void exportTo_keptInTheModel() {
        DestinationRule dr = (DestinationRule) load(dr("", "  exportTo: ['.', default]")).resources().get(0);

        assertEquals(List.of(".", "default"), dr.exportTo());
    }

    @Test
    void creationTimestamp_parsedAsRfc3339() {
        DestinationRule dr = (DestinationRule) load(dr("  creationTimestamp: \"2026-01-02T03:04:05Z\"", ""))
                .resources().get(0);

        assertEquals(Instant.parse("2026-01-02T03:04:05Z"), dr.meta().creationTimestamp());
        assertNull(((DestinationRule) load(dr("", "")).resources().get(0)).meta().creationTimestamp());
    }

    @Test
    void creationTimestamp_notATime_rejectedAtItsLine() {
        String text = dr("  creationTimestamp: yesterday", "");

        ConfigLoader.LoadResult r = load(text);

        assertEquals(1, r.diagnostics().size(), r.diagnostics().toString());
        assertTrue(r.diagnostics().get(0).message().contains("RFC 3339"), r.diagnostics().get(0).message());
        assertEquals(lineOf(text, "creationTimestamp"), r.diagnostics().get(0).location().line());
        assertTrue(r.resources().isEmpty());
    }

    @Test
    void workloadSelector_rejectedAsNotImplemented() {
        String text = dr("", "  workloadSelector:\n    matchLabels: {app: ratings}");

        ConfigLoader.LoadResult r = load(text);

        assertEquals(1, r.diagnostics().size(), r.diagnostics().toString());
        assertTrue(r.diagnostics().get(0).message().contains("workloadSelector"));
        assertTrue(r.diagnostics().get(0).message().contains("not implemented"));
        assertEquals(lineOf(text, "workloadSelector"), r.diagnostics().get(0).location().line());
        assertTrue(r.resources().isEmpty());
    }
}
