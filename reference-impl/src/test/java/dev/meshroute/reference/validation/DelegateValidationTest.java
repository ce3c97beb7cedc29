package dev.meshroute.reference.validation;

import dev.meshroute.reference.config.ConfigLoader;
import dev.meshroute.reference.model.Diagnostic;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.meshroute.reference.testsupport.Fixtures.lineOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Istio's validation of delegation (validation.go ValidateVirtualService, virtualservice.go validateHTTPRouteConflict). */
class DelegateValidationTest {

    private static List<Diagnostic> validate(String yaml) {
        ConfigLoader.LoadResult load = ConfigLoader.loadText("r.yaml", yaml);
        assertEquals(List.of(), load.diagnostics(), "the test's YAML must parse");
        return Validator.validate(load.resources().get(0));
    }

    private static String root(String http) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: root
                spec:
                  hosts: [my-app]
                  http:
                %s""".formatted(http.stripTrailing().indent(2));
    }

    private static String delegate(String extraSpec, String http) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: pp
                spec:
                %s  http:
                %s""".formatted(extraSpec.isEmpty() ? "" : extraSpec.stripTrailing().indent(2),
                http.stripTrailing().indent(2));
    }

    private static Diagnostic onlyError(List<Diagnostic> ds) {
        assertEquals(1, ds.size(), ds.toString());
        assertTrue(ds.get(0).isError(), ds.get(0).toString());
        return ds.get(0);
    }

    @Test
    void rootRuleWithOnlyADelegate_isValid() {
        assertEquals(List.of(), validate(root("""
                - match: [{uri: {prefix: /p}}]
                  delegate: {name: pp}
                """)));
    }

    @Test
    void rootRuleMayKeepRouteLevelFieldsForItsDelegate() {
        assertEquals(List.of(), validate(root("""
                - match: [{uri: {prefix: /p}}]
                  timeout: 2s
                  rewrite: {uri: /}
                  headers: {request: {set: {x-a: "1"}}}
                  directResponse: {status: 503}
                  delegate: {name: pp}
                """)));
    }

    @Test
    void rootRuleWithRoute_isRejected() {
        String text = root("""
                - match: [{uri: {prefix: /p}}]
                  delegate: {name: pp}
                  route: [{destination: {host: my-app}}]
                """);

        Diagnostic d = onlyError(validate(text));

        assertTrue(d.message().contains("spec.http[0]: root HTTP route must not specify route"), d.message());
        assertEquals(lineOf(text, "match: [{uri"), d.location().line());
    }

    @Test
    void rootRuleWithRedirect_isRejected() {
        Diagnostic d = onlyError(validate(root("""
                - delegate: {name: pp}
                  redirect: {uri: /x}
                """)));

        assertTrue(d.message().contains("root HTTP route must not specify redirect"), d.message());
    }

    @Test
    void rootRuleFieldsAreStillValidated() {
        Diagnostic d = onlyError(validate(root("""
                - delegate: {name: pp}
                  directResponse: {status: 99}
                """)));

        assertTrue(d.message().contains("directResponse.status: 99"), d.message());
    }

    @Test
    void delegateWithoutHosts_isValid() {
        assertEquals(List.of(), validate(delegate("", """
                - match: [{uri: {prefix: /p/v1}}]
                  route: [{destination: {host: my-app}}]
                """)));
    }

    @Test
    void delegateWithGateways_isRejected() {
        Diagnostic d = onlyError(validate(delegate("gateways: [mesh]", """
                - route: [{destination: {host: my-app}}]
                """)));

        assertTrue(d.message().contains("delegate virtual service must have no gateways specified"), d.message());
    }

    @Test
    void delegateRuleThatDelegatesAgain_isRejected() {
        String text = delegate("", """
                - route: [{destination: {host: my-app}}]
                - match: [{uri: {prefix: /x}}]
                  delegate: {name: deeper}
                """);

        List<Diagnostic> ds = validate(text);

        assertTrue(ds.stream().anyMatch(d -> d.message().contains(
                "spec.http[1].delegate: delegate HTTP route cannot contain delegate")
                && d.location().line() == lineOf(text, "deeper")), ds.toString());
        // it is also a rule without an action, as Istio reports it
        assertTrue(ds.stream().anyMatch(d -> d.message().contains(
                "spec.http[1]: HTTP route, redirect or direct_response is required")), ds.toString());
        assertEquals(2, ds.size(), ds.toString());
    }

    @Test
    void delegateRuleWithoutAction_isRejectedLikeAnyRule() {
        Diagnostic d = onlyError(validate(delegate("", """
                - match: [{uri: {prefix: /x}}]
                  timeout: 1s
                """)));

        assertTrue(d.message().contains("HTTP route, redirect or direct_response is required"), d.message());
    }
}
