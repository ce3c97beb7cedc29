package dev.meshroute.reference.validation;

import dev.meshroute.reference.config.ConfigLoader;
import dev.meshroute.reference.model.Diagnostic;
import dev.meshroute.reference.model.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static dev.meshroute.reference.testsupport.Fixtures.DR_V1_V2;
import static dev.meshroute.reference.testsupport.Fixtures.lineOf;
import static dev.meshroute.reference.testsupport.Fixtures.vs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValidatorTest {

    /** Parses one document (which must be well-formed) and validates it. */
    private static List<Diagnostic> validate(String yaml) {
        ConfigLoader.LoadResult load = ConfigLoader.loadText("r.yaml", yaml);
        assertEquals(List.of(), load.diagnostics(), "the test's YAML must parse");
        assertEquals(1, load.resources().size());
        Resource r = load.resources().get(0);
        return Validator.validate(r);
    }

    private static List<Diagnostic> validateHttp(String http) {
        return validate(vs("my-app-vs", http));
    }

    private static Diagnostic onlyError(List<Diagnostic> ds) {
        assertEquals(1, ds.size(), ds.toString());
        assertTrue(ds.get(0).isError(), ds.get(0).toString());
        return ds.get(0);
    }

    private static String headerMatch(String name, String matchYaml) {
        return """
                - match:
                  - headers:
                      "%s":
                        %s
                  route:
                  - destination:
                      host: my-app
                """.formatted(name, matchYaml);
    }

    @Test
    void validate_negativeWeight_reportsWeightBelowZero() {
        String text = vs("my-app-vs", """
                - route:
                  - destination:
                      host: my-app
                      subset: v1
                    weight: -1
                  - destination:
                      host: my-app
                      subset: v2
                    weight: 101
                """);

        Diagnostic d = onlyError(validate(text));

        assertTrue(d.message().contains("weight -1 < 0"), d.message());
        assertEquals("VirtualService default/my-app-vs", d.resource());
        assertEquals("r.yaml", d.location().file());
        int entry = lineOf(text, "subset: v1") - 2; // the "- destination:" line of that entry
        assertTrue(d.location().line() >= entry && d.location().line() <= lineOf(text, "weight: -1"),
                "line " + d.location().line() + " is not inside the offending route entry");
    }

    @Test
    void validate_severalDestinationsSummingToZero_reportsTotalWeightZero() {
        Diagnostic d = onlyError(validateHttp("""
                - route:
                  - destination:
                      host: my-app
                      subset: v1
                    weight: 0
                  - destination:
                      host: my-app
                      subset: v2
                """));

        assertTrue(d.message().contains("total destination weight = 0"), d.message());
    }

    @Test
    void validate_singleDestinationWithWeightZero_isValid() {
        assertEquals(List.of(), validateHttp("""
                - route:
                  - destination:
                      host: my-app
                      subset: v1
                    weight: 0
                """));
    }

    @Test
    void validate_weightsNotSummingTo100_areValidSinceIstio115() {
        assertEquals(List.of(), validateHttp("""
                - route:
                  - destination:
                      host: my-app
                      subset: v1
                    weight: 50
                  - destination:
                      host: my-app
                      subset: v2
                    weight: 30
                """));
    }

    @ParameterizedTest
    @ValueSource(strings = {"'(?=a)'", "'(a)\\1'", "''", "'(unclosed'"})
    void validate_uriRegexThatIsNotValidRe2_isAnError(String regexYaml) {
        String text = vs("my-app-vs", """
                - match:
                  - uri:
                      regex: %s
                  route:
                  - destination:
                      host: my-app
                """.formatted(regexYaml));

        Diagnostic d = onlyError(validate(text));

        assertTrue(d.message().contains("regex"), d.message());
        assertEquals(lineOf(text, "regex:"), d.location().line());
    }

    @ParameterizedTest
    @ValueSource(strings = {"'(?=a)'", "'(a)\\1'", "''"})
    void validate_headerRegexThatIsNotValidRe2_isAnError(String regexYaml) {
        Diagnostic d = onlyError(validateHttp(headerMatch("x-user", "regex: " + regexYaml)));

        assertTrue(d.message().contains("x-user"), d.message());
    }

    @Test
    void validate_regexLongerThan1024_isAnErrorButExactly1024IsValid() {
        String ok = "a".repeat(1024);
        String tooLong = "a".repeat(1025);

        assertEquals(List.of(), validateHttp(headerMatch("x-user", "regex: " + ok)));
        Diagnostic d = onlyError(validateHttp(headerMatch("x-user", "regex: " + tooLong)));
        assertTrue(d.message().contains("1024"), d.message());
    }

    @Test
    void validate_re2FeaturesThatGoSupports_areValid() {
        assertEquals(List.of(), validateHttp(headerMatch("user-agent", "regex: '(?i).*beta-tester\\d+.*'")));
    }

    @Test
    void validate_regexStarInHeaders_isAnErrorButInWithoutHeadersMeansPresent() {
        onlyError(validateHttp(headerMatch("x-user", "regex: '*'")));

        assertEquals(List.of(), validateHttp("""
                - match:
                  - withoutHeaders:
                      x-user:
                        regex: '*'
                  route:
                  - destination:
                      host: my-app
                """));
    }

    @Test
    void validate_headerNameWithSpace_isAnError() {
        Diagnostic d = onlyError(validateHttp(headerMatch("x user", "exact: a")));

        assertTrue(d.message().contains("'x user'"), d.message());
    }

    @Test
    void validate_emptyPrefixOnHeader_isAnError() {
        Diagnostic d = onlyError(validateHttp(headerMatch("x-user", "prefix: ''")));

        assertTrue(d.message().contains("prefix"), d.message());
    }

    @Test
    void validate_emptyPrefixOnQueryParamOrMethod_isAnError() {
        onlyError(validateHttp("""
                - match:
                  - queryParams:
                      v:
                        prefix: ''
                  route:
                  - destination:
                      host: my-app
                """));
        onlyError(validateHttp("""
                - match:
                  - method:
                      prefix: ''
                  route:
                  - destination:
                      host: my-app
                """));
    }

    @Test
    void validate_emptyUriPrefix_isAllowed() {
        assertEquals(List.of(), validateHttp("""
                - match:
                  - uri:
                      prefix: ''
                  route:
                  - destination:
                      host: my-app
                """));
    }

    @Test
    void validate_wildcardHostOnMeshVirtualService_isRejected() {
        Diagnostic d = onlyError(validate(vs("my-app-vs", """
                - route:
                  - destination:
                      host: my-app
                """).replace("  - my-app\n  http:", "  - '*'\n  http:")));

        assertTrue(d.message().contains("wildcard host * is not allowed"), d.message());
    }

    @Test
    void validate_wildcardHostOnGatewayVirtualService_isAllowed() {
        assertEquals(List.of(), validate(vs("my-app-vs", """
                - route:
                  - destination:
                      host: my-app
                """).replace("  - my-app\n  http:", "  - '*'\n  gateways:\n  - my-gateway\n  http:")));
    }

    @Test
    void validate_duplicateHosts_isAnError() {
        Diagnostic d = onlyError(validate(vs("my-app-vs", """
                - route:
                  - destination:
                      host: my-app
                """).replace("  - my-app\n  http:", "  - my-app\n  - my-app\n  http:")));

        assertTrue(d.message().contains("duplicate hosts"), d.message());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "'*.example.com' | api.example.com", "api.example.com | '*.example.com'",
            "'*.com' | '*.foo.com'", "'*.foo.com' | '*.com'", "'*.example.com' | a.b.example.com"})
    void validate_overlappingWildcardHosts_areDuplicates(String first, String second) {
        // SEMANTICS 6.1: duplicates/overlaps inside one VS are rejected (host.Name.Matches)
        Diagnostic d = onlyError(validate(vs("my-app-vs", """
                - route:
                  - destination:
                      host: my-app
                """).replace("  - my-app\n  http:", "  - " + first + "\n  - " + second + "\n  http:")));

        assertTrue(d.message().contains("duplicate hosts"), d.message());
    }

    @Test
    void validate_wildcardStarWithOtherHostOnMeshVirtualService_onlyTheWildcardError() {
        // validation.go: an invalid host (here "*" bound to the mesh) skips the duplicate-host check
        Diagnostic d = onlyError(validate(vs("my-app-vs", """
                - route:
                  - destination:
                      host: my-app
                """).replace("  - my-app\n  http:", "  - '*'\n  - api.example.com\n  http:")));

        assertTrue(d.message().contains("wildcard host * is not allowed"), d.message());
    }

    @Test
    void validate_wildcardAndItsBareDomain_doNotOverlap() {
        // *.example.com does not match example.com (SEMANTICS 6.1)
        assertEquals(List.of(), validate(vs("my-app-vs", """
                - route:
                  - destination:
                      host: my-app
                """).replace("  - my-app\n  http:", "  - '*.example.com'\n  - example.com\n  http:")));
    }

    @Test
    void validate_destinationRuleDuplicateSubsetName_isAnError() {
        String text = DR_V1_V2.replace("name: v2", "name: v1");

        Diagnostic d = onlyError(validate(text));

        assertTrue(d.message().contains("duplicate subset name 'v1'"), d.message());
        assertEquals("DestinationRule default/my-app-dr", d.resource());
    }

    @Test
    void validate_validDestinationRule_hasNoFindings() {
        assertEquals(List.of(), validate(DR_V1_V2));
    }

    @Test
    void validate_twoProblems_twoDiagnostics() {
        List<Diagnostic> ds = validateHttp("""
                - match:
                  - headers:
                      "bad name":
                        exact: a
                  route:
                  - destination:
                      host: my-app
                    weight: -3
                """);

        assertEquals(2, ds.size(), ds.toString());
        assertTrue(ds.stream().allMatch(Diagnostic::isError));
        assertTrue(ds.stream().anyMatch(d -> d.message().contains("weight -3 < 0")), ds.toString());
        assertTrue(ds.stream().anyMatch(d -> d.message().contains("'bad name'")), ds.toString());
    }

    @Test
    void validate_problemsInSeveralRules_areAllCollected() {
        List<Diagnostic> ds = validateHttp("""
                - match:
                  - uri:
                      regex: '(?=a)'
                  route:
                  - destination:
                      host: my-app
                - route:
                  - destination:
                      host: my-app
                      subset: v1
                    weight: 0
                  - destination:
                      host: my-app
                      subset: v2
                    weight: 0
                """);

        assertEquals(2, ds.size(), ds.toString());
        assertTrue(ds.stream().anyMatch(d -> d.message().contains("spec.http[0]")), ds.toString());
        assertTrue(ds.stream().anyMatch(d -> d.message().contains("spec.http[1]")
                && d.message().contains("total destination weight = 0")), ds.toString());
    }

    // ---- retries and mirrors (ValidateHTTPRetry, validateHTTPMirrors)

    private static String withRule(String extra) {
        return """
                - route:
                  - destination: {host: my-app, subset: v1}
                  %s
                """.formatted(extra);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "retries: {attempts: -1}                          | attempts cannot be negative",
            "retries: {attempts: 0, perTryTimeout: 1s}        | configured when attempts are set to 0",
            "retries: {retryOn: 5xx}                          | configured when attempts are set to 0",
            "retries: {attempts: 1, retryOn: '5xx,often'}     | 'often' is not a valid retryOn policy",
            "retries: {attempts: 1, retryOn: '600'}           | '600' is not a valid retryOn policy",
            "retries: {attempts: 1, backoff: 0s}              | backoff: must be at least 1ms",
            "'mirror: {host: my-app, subset: v2}\n  mirrorPercentage: {value: 100.5}' | max value of 100",
            "mirrors: [{destination: {host: my-app}, percentage: {value: -2}}] | min value of 0",
            "'mirror: {host: my-app}\n  mirrors: [{destination: {host: other}}]' | both mirror and mirrors",
            "mirrors: [{destination: {host: 'a_b'}}]          | is not a valid host name"})
    void validate_badRetryOrMirror_isRejected(String extra, String message) {
        Diagnostic d = onlyError(validateHttp(withRule(extra.replace("\\n", "\n"))));

        assertTrue(d.message().contains(message), d.message());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "retries: {attempts: 0}",
            "retries: {attempts: 3, perTryTimeout: 2s, retryOn: 'gateway-error,connect-failure,503,unavailable'}",
            "retries: {attempts: 1, retryIgnorePreviousHosts: false, backoff: 25ms}",
            "mirrors: [{destination: {host: my-app, subset: v2}, percentage: {value: 0}}]"})
    void validate_goodRetryOrMirror_isAccepted(String extra) {
        assertEquals(List.of(), validateHttp(withRule(extra)));
    }
}
