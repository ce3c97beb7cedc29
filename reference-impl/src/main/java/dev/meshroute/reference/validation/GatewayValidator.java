package dev.meshroute.reference.validation;

import dev.meshroute.reference.model.Diagnostic;
import dev.meshroute.reference.model.Gateway;
import dev.meshroute.reference.model.SourceLocation;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import com.google.re2j.Pattern;

/**
 * Istio's validation of Gateways ({@code pkg/config/validation/validation.go} {@code ValidateGateway},
 * {@code validateServer}, {@code validateServerPort}; {@code agent/validation.go}
 * {@code ValidateNamespaceSlashWildcardHostname}) and of the gateway names a VirtualService binds to
 * ({@code validateGatewayNames}). Messages are Istio's, prefixed with the field's path.
 */
final class GatewayValidator {

    /** Istio's {@code labels.IsDNS1123Label} (upper case allowed, unlike Kubernetes). */
    private static final Pattern DNS1123_LABEL = Pattern.compile("[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?");
    /** {@code labels.IsWildcardDNS1123Label}: {@code *}, or a label optionally prefixed by {@code *} or {@code *-}. */
    private static final Pattern WILDCARD_LABEL =
            Pattern.compile("\\*|(\\*|\\*-)?[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?");
    private static final Set<String> PROTOCOLS = Set.of("tcp", "udp", "grpc", "grpc-web", "http", "http_proxy",
            "http2", "https", "tls", "mongo", "redis", "mysql");
    private static final Set<String> HTTP_PROTOCOLS = Set.of("http", "http2", "http_proxy", "grpc", "grpc-web");
    private static final Set<String> TLS_PROTOCOLS = Set.of("https", "tls");

    private GatewayValidator() {
    }

    static void validate(Gateway gw, List<Diagnostic> out) {
        String key = gw.key();
        if (!isLabel(gw.meta().name())) {
            out.add(Diagnostic.error(key, gw.location(), "metadata.name: invalid gateway name: \"" + gw.meta().name()
                    + "\""));
        }
        if (gw.servers().isEmpty()) {
            out.add(Diagnostic.error(key, gw.location(), "spec.servers: gateway must have at least one server"));
        }
        Set<String> portNames = new HashSet<>();
        for (int i = 0; i < gw.servers().size(); i++) {
            Gateway.Server s = gw.servers().get(i);
            String path = "spec.servers[" + i + "]";
            server(s, path, key, out);
            if (s.portNumber() != null || s.portName() != null || s.protocol() != null) {
                String name = s.portName() == null ? "" : s.portName();
                if (!portNames.add(name)) {
                    out.add(Diagnostic.error(key, s.location(), path + ".port.name: port names in servers must be"
                            + " unique: duplicate name " + name));
                }
            }
        }
    }

    private static void server(Gateway.Server s, String path, String key, List<Diagnostic> out) {
        if (s.hosts().isEmpty()) {
            out.add(Diagnostic.error(key, s.location(), path + ".hosts: server config must contain at least one host"));
        }
        for (String host : s.hosts()) {
            for (String problem : namespaceSlashHostProblems(host)) {
                out.add(Diagnostic.error(key, s.location(), path + ".hosts: " + host + ": " + problem));
            }
        }
        boolean portValid = true;
        if (s.portNumber() == null && s.portName() == null && s.protocol() == null) {
            out.add(Diagnostic.error(key, s.location(), path + ".port: port is required"));
            return;
        }
        String protocol = s.protocol() == null ? "" : s.protocol().toLowerCase(Locale.ROOT);
        if (!PROTOCOLS.contains(protocol)) {
            portValid = false;
            out.add(Diagnostic.error(key, s.location(), path + ".port.protocol: invalid protocol \""
                    + (s.protocol() == null ? "" : s.protocol()) + "\", supported protocols are HTTP, HTTP2, GRPC,"
                    + " GRPC-WEB, MONGO, REDIS, MYSQL, TCP"));
        }
        int number = s.portNumber() == null ? 0 : s.portNumber();
        if (number < 1 || number > 65535) {
            portValid = false;
            out.add(Diagnostic.error(key, s.location(), path + ".port.number: port number " + number
                    + " must be in the range 1..65535"));
        }
        if (s.portName() == null || s.portName().isEmpty()) {
            portValid = false;
            out.add(Diagnostic.error(key, s.location(), path + ".port.name: port name must be set"));
        }
        if (portValid) {
            if (TLS_PROTOCOLS.contains(protocol) && !s.tls()) {
                out.add(Diagnostic.error(key, s.location(), path + ": server must have TLS settings for HTTPS/TLS"
                        + " protocols"));
            } else if (!TLS_PROTOCOLS.contains(protocol) && s.tls() && !HTTP_PROTOCOLS.contains(protocol)) {
                // a plain-text HTTP server may carry tls only for httpsRedirect (a passthrough server with no keys)
                out.add(Diagnostic.error(key, s.location(), path + ": server cannot have TLS settings for non"
                        + " HTTPS/TLS ports"));
            } else if (!protocol.equals("http")) {
                out.add(Diagnostic.error(key, s.location(), path + ".port.protocol: " + s.protocol() + " servers are"
                        + " valid Istio, but not implemented by the meshroute reference yet (only HTTP)"));
            }
        }
    }

    /** {@code ValidateNamespaceSlashWildcardHostname(host, isGateway=true)}: every problem, in Istio's words. */
    static List<String> namespaceSlashHostProblems(String host) {
        List<String> problems = new java.util.ArrayList<>();
        int slash = host.indexOf('/');
        String dnsName = host;
        if (slash >= 0) {
            String ns = host.substring(0, slash);
            dnsName = host.substring(slash + 1);
            if (ns.isEmpty() || dnsName.isEmpty()) {
                problems.add("config namespace and dnsName in host entry cannot be empty");
            }
            if (!ns.equals("*") && !ns.equals(".") && !isLabel(ns)) {
                problems.add("invalid namespace value \"" + ns + "\" in gateway");
            }
        }
        if (!dnsName.equals("*") && !dnsName.contains(".")) {
            problems.add("short names (non FQDN) are not allowed");
        }
        String domainProblem = wildcardDomainProblem(dnsName);
        if (domainProblem != null && !isIpAddress(dnsName)) {
            problems.add(domainProblem);
        }
        if (dnsName.contains("*") && dnsName.length() != 1 && !dnsName.startsWith("*.")) {
            problems.add("partial wildcard \"" + dnsName + "\" not allowed");
        }
        return problems;
    }

    /** {@code ValidateWildcardDomain}: only the first label may be a wildcard; the rest are DNS-1123 labels. */
    private static String wildcardDomainProblem(String domain) {
        if (domain.isEmpty()) {
            return "domain name \"\" invalid (label \"\" invalid)";
        }
        if (domain.length() > 255) {
            return "domain name \"" + domain + "\" too long (max 255)";
        }
        String[] parts = domain.split("\\.", 2);
        if (parts[0].length() > 63 || !WILDCARD_LABEL.matcher(parts[0]).matches()) {
            return "domain name \"" + domain + "\" invalid (label \"" + parts[0] + "\" invalid)";
        }
        if (parts.length > 1) {
            // ValidateDNS1123Labels(rest): a trailing dot is allowed; an all-numeric top-level domain is not
            String[] labels = parts[1].split("\\.", -1);
            if (labels[labels.length - 1].matches("[0-9]+")) {
                return "domain name \"" + parts[1] + "\" invalid (top level domain \"" + labels[labels.length - 1]
                        + "\" cannot be all-numeric)";
            }
            for (int i = 0; i < labels.length; i++) {
                if (i == labels.length - 1 && labels[i].isEmpty()) {
                    break;
                }
                if (!isLabel(labels[i])) {
                    return "domain name \"" + parts[1] + "\" invalid (label \"" + labels[i] + "\" invalid)";
                }
            }
        }
        return null;
    }

    private static boolean isIpAddress(String s) {
        return s.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") || s.contains(":");
    }

    private static boolean isLabel(String s) {
        return s.length() <= 63 && DNS1123_LABEL.matcher(s).matches();
    }

    /**
     * {@code validateGatewayNames}: {@code namespace/name} with DNS-1123 labels on both sides; a name without a
     * slash must be an FQDN-like name (a dotted one is the legacy form, warned). {@code mesh} passes as a name.
     */
    static void validateGatewayNames(List<String> names, String path, String resource, SourceLocation at,
                                     List<Diagnostic> out) {
        for (String name : names) {
            int slash = name.indexOf('/');
            if (slash < 0) {
                if (name.contains(".")) {
                    String[] parts = name.split("\\.");
                    out.add(Diagnostic.warning(resource, at, path + ": using legacy gatewayName format \"" + name
                            + "\"; prefer the <namespace>/<name> format: \"" + parts[1] + "/" + parts[0] + "\""));
                }
                for (String label : name.split("\\.", -1)) {
                    if (!isLabel(label)) {
                        out.add(Diagnostic.error(resource, at, path + ": \"" + name + "\" is not a valid gateway name"
                                + " (label \"" + label + "\" is not a DNS-1123 label)"));
                        break;
                    }
                }
                continue;
            }
            String ns = name.substring(0, slash);
            String gw = name.substring(slash + 1);
            if (ns.isEmpty() || gw.isEmpty()) {
                out.add(Diagnostic.error(resource, at, path + ": config namespace and gateway name cannot be empty"));
            }
            if (!isLabel(ns)) {
                out.add(Diagnostic.error(resource, at, path + ": invalid value for namespace: \"" + ns + "\""));
            }
            if (!isLabel(gw)) {
                out.add(Diagnostic.error(resource, at, path + ": invalid value for gateway name: \"" + gw + "\""));
            }
        }
    }
}
