package dev.meshroute.reference.validation;

import dev.meshroute.reference.config.ConfigLoader;
import dev.meshroute.reference.model.Diagnostic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Istio's Gateway validation and the gateway names of VirtualServices (pkg/config/validation/validation.go
 * ValidateGateway, validateServer, validateServerPort, validateGatewayNames; agent/validation.go
 * ValidateNamespaceSlashWildcardHostname).
 */
class GatewayValidatorTest {

    private static List<Diagnostic> validate(String yaml) {
        ConfigLoader.LoadResult load = ConfigLoader.loadText("gw.yaml", yaml);
        assertEquals(List.of(), load.diagnostics(), "the test's own YAML must parse cleanly");
        assertEquals(1, load.resources().size());
        return Validator.validate(load.resources().get(0));
    }

    private static String gateway(String servers) {
        return """
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata:
                  name: gw
                  namespace: istio-system
                spec:
                  selector: {istio: ingressgateway}
                  servers: %s
                """.formatted(servers);
    }

    private static String server(String port, String hosts) {
        return "[{port: " + port + ", hosts: " + hosts + "}]";
    }

    private static final String HTTP_80 = "{number: 80, name: http, protocol: HTTP}";

    private static String messages(List<Diagnostic> ds) {
        return String.join("\n", ds.stream().filter(Diagnostic::isError).map(Diagnostic::message).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[a.example.com]", "[\"*.example.com\"]", "[\"*\"]", "[\"prod/a.example.com\"]",
            "[\"*/a.example.com\"]", "[\"./a.example.com\"]", "[\"ns/*\"]", "[1.2.3.4]", "[\"A.Example.com\"]",
            "[\"a.example.com.\"]"})
    void validate_validServerHosts_accepted(String hosts) {
        assertEquals("", messages(validate(gateway(server(HTTP_80, hosts)))));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "[shop]; spec.servers[0].hosts: shop: short names (non FQDN) are not allowed",
            "[\"s*.example.com\"]; partial wildcard \"s*.example.com\" not allowed",
            "[\"a_b/x.example.com\"]; invalid namespace value \"a_b\" in gateway",
            "[\"/x.example.com\"]; config namespace and dnsName in host entry cannot be empty",
            "[\"x_y.example.com\"]; domain name \"x_y.example.com\" invalid (label \"x_y\" invalid)",
            "[\"a.b_c.com\"]; domain name \"b_c.com\" invalid (label \"b_c\" invalid)",
            "[\"a.example.123\"]; top level domain \"123\" cannot be all-numeric",
            "[]; server config must contain at least one host"})
    void validate_invalidServerHosts_rejected(String hosts, String message) {
        String errors = messages(validate(gateway(server(HTTP_80, hosts))));

        assertTrue(errors.contains(message), errors);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "{number: 80, name: http, protocol: FTP}; invalid protocol \"FTP\", supported protocols are HTTP",
            "{number: 0, name: http, protocol: HTTP}; port number 0 must be in the range 1..65535",
            "{number: 70000, name: http, protocol: HTTP}; port number 70000 must be in the range 1..65535",
            "{number: 80, protocol: HTTP}; port name must be set",
            "{number: 443, name: https, protocol: HTTPS}; server must have TLS settings for HTTPS/TLS protocols",
            "{number: 80, name: h2, protocol: HTTP2}; HTTP2 servers are valid Istio, but not implemented",
            "{number: 9000, name: tcp, protocol: TCP}; TCP servers are valid Istio, but not implemented"})
    void validate_invalidPorts_rejected(String port, String message) {
        String errors = messages(validate(gateway(server(port, "[a.example.com]"))));

        assertTrue(errors.contains(message), errors);
    }

    @Test
    void validate_gatewayRules() {
        assertTrue(messages(validate(gateway("[]"))).contains("gateway must have at least one server"));
        assertTrue(messages(validate(gateway("[{hosts: [a.example.com]}]"))).contains("port is required"));
        String twice = "[{port: " + HTTP_80 + ", hosts: [a.example.com]}, {port: {number: 81, name: http, protocol:"
                + " HTTP}, hosts: [b.example.com]}]";
        assertTrue(messages(validate(gateway(twice))).contains("port names in servers must be unique: duplicate"
                + " name http"));
        assertTrue(messages(validate(gateway(server(HTTP_80, "[a.example.com]")).replace("name: gw",
                "name: gw.v1"))).contains("invalid gateway name: \"gw.v1\""));
    }

    @Test
    void validate_tcpServerWithTls_rejected() {
        String tcp = "[{port: {number: 9000, name: tcp, protocol: TCP}, hosts: [a.example.com], tls: {httpsRedirect:"
                + " true}}]";

        assertTrue(messages(validate(gateway(tcp))).contains("server cannot have TLS settings for non HTTPS/TLS"
                + " ports"));
    }

    @Test
    void validate_httpServerWithHttpsRedirect_accepted() {
        String http = "[{port: " + HTTP_80 + ", hosts: [a.example.com], tls: {httpsRedirect: true}}]";

        assertEquals("", messages(validate(gateway(http))));
    }

    private static String vs(String hosts, String gateways, String matchGateways) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: shop
                spec:
                  hosts: %s
                  gateways: %s
                  http:
                  - match: [{gateways: %s}]
                    route: [{destination: {host: my-app}}]
                """.formatted(hosts, gateways, matchGateways);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {"[mesh]", "[istio-system/gw]", "[gw]", "[istio-system/gw, mesh]",
            "[gw.istio-system.svc.cluster.local]"})
    void validate_virtualServiceGatewayNames_accepted(String gateways) {
        assertEquals("", messages(validate(vs("[a.example.com]", gateways, gateways))));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "[bad_ns/gw]; spec.gateways: invalid value for namespace: \"bad_ns\"",
            "[ns/bad_gw]; spec.gateways: invalid value for gateway name: \"bad_gw\"",
            "[./gw]; spec.gateways: invalid value for namespace: \".\"",
            "[/gw]; spec.gateways: config namespace and gateway name cannot be empty",
            "[bad_gw]; spec.gateways: \"bad_gw\" is not a valid gateway name"})
    void validate_virtualServiceGatewayNames_rejected(String gateways, String message) {
        String errors = messages(validate(vs("[a.example.com]", gateways, "[mesh]")));

        assertTrue(errors.contains(message), errors);
        String matchErrors = messages(validate(vs("[a.example.com]", "[mesh]", gateways)));
        assertTrue(matchErrors.contains(message.replace("spec.gateways", "spec.http[0].match[0].gateways")),
                matchErrors);
    }

    @Test
    void validate_legacyGatewayName_warned() {
        List<Diagnostic> ds = validate(vs("[a.example.com]", "[gw.istio-system]", "[mesh]"));

        assertEquals("", messages(ds));
        assertTrue(ds.stream().anyMatch(d -> d.message().contains("using legacy gatewayName format"
                + " \"gw.istio-system\"; prefer the <namespace>/<name> format: \"istio-system/gw\"")), ds.toString());
    }

    @Test
    void validate_starHost_onlyForGatewaysWithoutMesh() {
        assertEquals("", messages(validate(vs("[\"*\"]", "[istio-system/gw]", "[istio-system/gw]"))));
        assertTrue(messages(validate(vs("[\"*\"]", "[istio-system/gw, mesh]", "[mesh]")))
                .contains("wildcard host * is not allowed for virtual services bound to the mesh gateway"));
    }
}
