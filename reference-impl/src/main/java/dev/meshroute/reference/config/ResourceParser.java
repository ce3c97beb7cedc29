package dev.meshroute.reference.config;

import dev.meshroute.reference.model.CorsPolicy;
import dev.meshroute.reference.model.Delegate;
import dev.meshroute.reference.model.Destination;
import dev.meshroute.reference.model.DestinationRule;
import dev.meshroute.reference.model.Diagnostic;
import dev.meshroute.reference.model.Gateway;
import dev.meshroute.reference.model.HeaderOperations;
import dev.meshroute.reference.model.HttpDirectResponse;
import dev.meshroute.reference.model.HttpFault;
import dev.meshroute.reference.model.HttpMatchRequest;
import dev.meshroute.reference.model.HttpMirror;
import dev.meshroute.reference.model.HttpRedirect;
import dev.meshroute.reference.model.HttpRetry;
import dev.meshroute.reference.model.HttpRewrite;
import dev.meshroute.reference.model.HttpRoute;
import dev.meshroute.reference.model.HttpRouteDestination;
import dev.meshroute.reference.model.ObjectMeta;
import dev.meshroute.reference.model.Resource;
import dev.meshroute.reference.model.Service;
import dev.meshroute.reference.model.ServicePort;
import dev.meshroute.reference.model.SourceLocation;
import dev.meshroute.reference.model.StringMatch;
import dev.meshroute.reference.model.Subset;
import dev.meshroute.reference.model.VirtualService;
import dev.meshroute.reference.model.Workload;
import org.yaml.snakeyaml.nodes.Node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one YAML document into a {@link Resource}, reporting every shape error it finds (unknown
 * fields, wrong types, missing names) with file and line. A document with shape errors yields no
 * resource; the errors say why.
 */
final class ResourceParser {

    static final List<String> ISTIO_VERSIONS = List.of("v1", "v1beta1", "v1alpha3");
    private static final String ISTIO_GROUP = "networking.istio.io/";

    private static final List<String> VS_FIELDS = List.of("hosts", "gateways", "http", "exportTo");
    private static final List<String> VS_UNSUPPORTED = List.of("tls", "tcp");
    private static final List<String> HTTP_ROUTE_FIELDS = List.of("name", "match", "route", "redirect",
            "directResponse", "rewrite", "timeout", "fault", "headers", "corsPolicy", "retries", "mirror", "mirrors",
            "mirrorPercentage", "mirrorPercent", "mirror_percent", "delegate");
    private static final List<String> HTTP_ROUTE_UNSUPPORTED = List.of();
    private static final List<String> MATCH_FIELDS = List.of("name", "uri", "scheme", "method", "authority",
            "headers", "withoutHeaders", "queryParams", "ignoreUriCase", "port", "sourceLabels", "sourceNamespace",
            "gateways", "statPrefix");
    private static final List<String> DESTINATION_WEIGHT_FIELDS = List.of("destination", "weight", "headers");
    private static final List<String> DESTINATION_WEIGHT_UNSUPPORTED = List.of();
    private static final List<String> DESTINATION_FIELDS = List.of("host", "subset", "port");
    private static final List<String> STRING_MATCH_FIELDS = List.of("exact", "prefix", "regex");
    private static final List<String> DR_FIELDS = List.of("host", "subsets", "exportTo", "trafficPolicy");
    // workloadSelector: read but never honoured before, so a selected rule applied to every client
    private static final List<String> DR_UNSUPPORTED = List.of("workloadSelector");
    private static final List<String> SUBSET_FIELDS = List.of("name", "labels", "trafficPolicy");
    private static final List<String> SUBSET_UNSUPPORTED = List.of();
    private static final List<String> GATEWAY_FIELDS = List.of("servers", "selector");
    private static final List<String> SERVER_FIELDS = List.of("port", "hosts", "tls", "name");
    private static final List<String> SERVER_UNSUPPORTED = List.of("bind", "defaultEndpoint");
    private static final List<String> PORT_FIELDS = List.of("number", "protocol", "name", "targetPort");
    private static final List<String> SERVER_TLS_FIELDS = List.of("httpsRedirect");
    private static final List<String> SERVER_TLS_UNSUPPORTED = List.of("mode", "serverCertificate", "privateKey",
            "caCertificates", "caCrl", "credentialName", "credentialNames", "caCertCredentialName", "tlsCertificates",
            "subjectAltNames", "verifyCertificateSpki", "verifyCertificateHash", "minProtocolVersion",
            "maxProtocolVersion", "cipherSuites");

    /** Istio's networking kinds the reference reads ... */
    private static final List<String> ISTIO_KINDS_READ = List.of("VirtualService", "DestinationRule", "Gateway");
    /** ... and those it does not (they are skipped with a warning). */
    private static final List<String> ISTIO_KINDS_NOT_READ = List.of("ServiceEntry", "Sidecar", "EnvoyFilter",
            "WorkloadEntry", "WorkloadGroup", "ProxyConfig");
    private static final List<String> ISTIO_KINDS = java.util.stream.Stream.concat(ISTIO_KINDS_READ.stream(),
            ISTIO_KINDS_NOT_READ.stream()).toList();

    private final String file;
    private final List<Diagnostic> diagnostics;
    private final List<String> rejected = new ArrayList<>();
    private String resource;
    private boolean failed;
    private Yaml yaml;

    ResourceParser(String file, List<Diagnostic> diagnostics) {
        this.file = file;
        this.diagnostics = diagnostics;
    }

    /** The resource in {@code document}, or null if it is not one meshroute reads or has shape errors. */
    Resource parse(Node document) {
        resource = null;
        failed = false;
        yaml = new Yaml(file, (location, message) -> {
            failed = true;
            diagnostics.add(Diagnostic.error(resource, location, message));
        });
        SourceLocation at = yaml.at(document);
        Map<String, Node> top = yaml.fields(document, "document", "Kubernetes object", List.of(), List.of());
        String apiVersion = yaml.string(top.get("apiVersion"), "apiVersion");
        String kind = yaml.string(top.get("kind"), "kind");
        if (kind == null || apiVersion == null) {
            if (!failed) {
                diagnostics.add(Diagnostic.error(null, at, "a document needs 'apiVersion' and 'kind'; found "
                        + (kind == null ? "no kind" : "kind " + kind) + (apiVersion == null ? " and no apiVersion" : "")));
            }
            return null;
        }
        ObjectMeta meta = meta(top.get("metadata"), at);
        if (meta == null) {
            return null;
        }
        resource = kind + " " + meta.qualifiedName();
        Node spec = top.get("spec");
        Resource parsed = switch (kind) {
            case "VirtualService" -> istio(apiVersion, at) ? virtualService(meta, at, spec) : null;
            case "DestinationRule" -> istio(apiVersion, at) ? destinationRule(meta, at, spec) : null;
            case "Gateway" -> istio(apiVersion, at) ? gateway(meta, at, spec) : null;
            case "Service" -> apiVersion(apiVersion, "v1", at) ? service(meta, at, spec) : null;
            case "Deployment" -> apiVersion(apiVersion, "apps/v1", at) ? deployment(meta, at, spec) : null;
            case "Pod" -> apiVersion(apiVersion, "v1", at)
                    ? new Workload("Pod", meta, at, meta.labels(), 1) : null;
            default -> {
                if (apiVersion.startsWith(ISTIO_GROUP) && !ISTIO_KINDS_NOT_READ.contains(kind)) {
                    // Kubernetes refuses a kind its API group does not have; a typo must not pass as "ignored"
                    error(at, "kind " + kind + " does not exist in " + ISTIO_GROUP.substring(0, ISTIO_GROUP.length() - 1)
                            + Yaml.suggestion(kind, ISTIO_KINDS));
                } else {
                    diagnostics.add(Diagnostic.warning(resource, at, "kind " + kind + " (" + apiVersion
                            + ") is not read by the meshroute reference; ignored"));
                }
                yield null;
            }
        };
        if (failed) {
            rejected.add(resource);
            return null;
        }
        return parsed;
    }

    /** The keys ({@code Kind namespace/name}) of the resources whose documents had shape errors. */
    List<String> rejected() {
        return rejected;
    }

    private boolean istio(String apiVersion, SourceLocation at) {
        if (apiVersion.startsWith(ISTIO_GROUP) && ISTIO_VERSIONS.contains(apiVersion.substring(ISTIO_GROUP.length()))) {
            return true;
        }
        error(at, "apiVersion '" + apiVersion + "' is not an Istio networking version; use "
                + ISTIO_GROUP + "v1 (v1beta1 and v1alpha3 are accepted too)");
        return false;
    }

    private boolean apiVersion(String actual, String expected, SourceLocation at) {
        if (actual.equals(expected)) {
            return true;
        }
        diagnostics.add(Diagnostic.error(resource, at, "apiVersion '" + actual + "' is not supported for this kind;"
                + " use '" + expected + "'"));
        failed = true;
        return false;
    }

    private ObjectMeta meta(Node node, SourceLocation at) {
        if (node == null) {
            diagnostics.add(Diagnostic.error(null, at, "metadata is missing; every object needs metadata.name"));
            return null;
        }
        Map<String, Node> fields = yaml.fields(node, "metadata", "ObjectMeta", List.of(), List.of());
        String name = yaml.string(fields.get("name"), "metadata.name");
        String namespace = yaml.string(fields.get("namespace"), "metadata.namespace");
        Map<String, String> labels = yaml.stringMap(fields.get("labels"), "metadata.labels");
        if (name == null || name.isEmpty()) {
            diagnostics.add(Diagnostic.error(null, yaml.at(node), "metadata.name is missing"));
            return null;
        }
        return new ObjectMeta(name, namespace == null ? "default" : namespace, labels,
                creationTimestamp(fields.get("creationTimestamp")));
    }

    /** RFC 3339, as Kubernetes writes it ({@code 2026-01-01T00:00:00Z}); istiod orders DestinationRules by it. */
    private java.time.Instant creationTimestamp(Node node) {
        String text = yaml.string(node, "metadata.creationTimestamp");
        if (text == null) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(text).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            error(yaml.at(node), "metadata.creationTimestamp: '" + text + "' is not an RFC 3339 time"
                    + " such as 2026-01-01T00:00:00Z");
            return null;
        }
    }

    private VirtualService virtualService(ObjectMeta meta, SourceLocation at, Node spec) {
        Map<String, Node> f = yaml.fields(require(spec, at), "spec", "VirtualService spec", VS_FIELDS, VS_UNSUPPORTED);
        List<String> hosts = yaml.stringList(f.get("hosts"), "spec.hosts");
        List<String> gateways = yaml.stringList(f.get("gateways"), "spec.gateways");
        List<String> exportTo = yaml.stringList(f.get("exportTo"), "spec.exportTo");
        List<HttpRoute> http = new ArrayList<>();
        List<Node> rules = yaml.list(f.get("http"), "spec.http");
        for (int i = 0; i < rules.size(); i++) {
            http.add(httpRoute(rules.get(i), "spec.http[" + i + "]"));
        }
        return new VirtualService(meta, at, hosts, gateways, http, exportTo);
    }

    private HttpRoute httpRoute(Node node, String path) {
        Map<String, Node> f = yaml.fields(node, path, "HTTPRoute", HTTP_ROUTE_FIELDS, HTTP_ROUTE_UNSUPPORTED);
        List<HttpMatchRequest> matches = new ArrayList<>();
        List<Node> matchNodes = yaml.list(f.get("match"), pathOf(f, path, "match"));
        for (int i = 0; i < matchNodes.size(); i++) {
            matches.add(match(matchNodes.get(i), path + ".match[" + i + "]"));
        }
        List<HttpRouteDestination> route = new ArrayList<>();
        List<Node> routeNodes = yaml.list(f.get("route"), pathOf(f, path, "route"));
        for (int i = 0; i < routeNodes.size(); i++) {
            route.add(routeDestination(routeNodes.get(i), path + ".route[" + i + "]"));
        }
        return new HttpRoute(yaml.string(f.get("name"), pathOf(f, path, "name")), matches, route,
                redirect(f.get("redirect"), pathOf(f, path, "redirect")),
                directResponse(f.get("directResponse"), pathOf(f, path, "directResponse")),
                rewrite(f.get("rewrite"), pathOf(f, path, "rewrite")),
                duration(f.get("timeout"), pathOf(f, path, "timeout")),
                fault(f.get("fault"), pathOf(f, path, "fault")),
                headerOperations(f.get("headers"), pathOf(f, path, "headers")),
                cors(f.get("corsPolicy"), pathOf(f, path, "corsPolicy")),
                retries(f.get("retries"), pathOf(f, path, "retries")),
                legacyMirror(f, path), mirrors(f.get("mirrors"), pathOf(f, path, "mirrors")), yaml.at(node),
                delegate(f.get("delegate"), pathOf(f, path, "delegate")));
    }

    /**
     * The path of field {@code name} under {@code path} ({@code spec.http[3].match}), or null when the field is
     * absent. A path is only for messages, and the callers given one here say nothing about an absent field; building
     * the path of every possible field of every rule was the largest allocation of parsing a 10,000-rule
     * VirtualService after SnakeYAML's own.
     */
    private static String pathOf(Map<String, Node> fields, String path, String name) {
        return fields.get(name) == null ? null : path + "." + name;
    }

    private HttpRetry retries(Node node, String path) {
        if (node == null) {
            return null;
        }
        Map<String, Node> f = yaml.fields(node, path, "HTTPRetry", List.of("attempts", "perTryTimeout", "retryOn",
                "retryRemoteLocalities", "retryIgnorePreviousHosts", "backoff"), List.of());
        return new HttpRetry(yaml.integer(f.get("attempts"), path + ".attempts"),
                duration(f.get("perTryTimeout"), path + ".perTryTimeout"),
                yaml.string(f.get("retryOn"), path + ".retryOn"),
                yaml.bool(f.get("retryRemoteLocalities"), path + ".retryRemoteLocalities"),
                yaml.bool(f.get("retryIgnorePreviousHosts"), path + ".retryIgnorePreviousHosts"),
                duration(f.get("backoff"), path + ".backoff"), yaml.at(node));
    }

    /** {@code mirror} with {@code mirrorPercentage} or the deprecated integer {@code mirrorPercent}. */
    private HttpMirror legacyMirror(Map<String, Node> rule, String path) {
        Node mirror = rule.get("mirror");
        Node percentage = rule.get("mirrorPercentage");
        Node percent = rule.get("mirrorPercent") != null ? rule.get("mirrorPercent") : rule.get("mirror_percent");
        if (mirror == null) {
            if (percentage != null || percent != null) {
                error(yaml.at(percentage != null ? percentage : percent), path + ": a mirror percentage needs"
                        + " 'mirror'; without it nothing is mirrored (use 'mirrors' with a percentage each)");
            }
            return null;
        }
        Double value = null;
        if (percentage != null) {
            value = percentValue(percentage, path + ".mirrorPercentage");
        } else if (percent != null) {
            Integer p = yaml.integer(percent, path + ".mirrorPercent");
            value = p == null ? null : p.doubleValue();
        }
        return new HttpMirror(destination(mirror, path + ".mirror"), value, yaml.at(mirror));
    }

    private List<HttpMirror> mirrors(Node node, String path) {
        List<HttpMirror> out = new ArrayList<>();
        List<Node> nodes = yaml.list(node, path);
        for (int i = 0; i < nodes.size(); i++) {
            String at = path + "[" + i + "]";
            Map<String, Node> f = yaml.fields(nodes.get(i), at, "HTTPMirrorPolicy", List.of("destination",
                    "percentage"), List.of());
            Destination d = null;
            if (f.get("destination") == null) {
                error(yaml.at(nodes.get(i)), at + ".destination is required for mirrors");
            } else {
                d = destination(f.get("destination"), at + ".destination");
            }
            Double value = f.get("percentage") == null ? null : percentValue(f.get("percentage"), at + ".percentage");
            out.add(new HttpMirror(d, value, yaml.at(nodes.get(i))));
        }
        return out;
    }

    /** A {@code Percent}: {@code {value: 12.5}}. */
    private Double percentValue(Node node, String path) {
        Map<String, Node> p = yaml.fields(node, path, "Percent", List.of("value"), List.of());
        String value = yaml.string(p.get("value"), path + ".value");
        try {
            return value == null ? 0.0 : Double.parseDouble(value);
        } catch (NumberFormatException e) {
            error(yaml.at(node), path + ".value: '" + value + "' is not a number");
            return null;
        }
    }

    private Delegate delegate(Node node, String path) {
        if (node == null) {
            return null;
        }
        // Istio requires neither field: a delegate without a name is simply never found (Delegation)
        Map<String, Node> f = yaml.fields(node, path, "Delegate", List.of("name", "namespace"), List.of());
        return new Delegate(yaml.string(f.get("name"), path + ".name"),
                yaml.string(f.get("namespace"), path + ".namespace"), yaml.at(node));
    }

    private CorsPolicy cors(Node node, String path) {
        if (node == null) {
            return null;
        }
        Map<String, Node> f = yaml.fields(node, path, "CorsPolicy", List.of("allowOrigins", "allowOrigin",
                "allowMethods", "allowHeaders", "exposeHeaders", "maxAge", "allowCredentials"),
                List.of("unmatchedPreflights"));
        List<StringMatch> origins = new ArrayList<>();
        List<Node> originNodes = yaml.list(f.get("allowOrigins"), path + ".allowOrigins");
        for (int i = 0; i < originNodes.size(); i++) {
            StringMatch m = stringMatch(originNodes.get(i), path + ".allowOrigins[" + i + "]");
            if (m != null) {
                origins.add(m);
            }
        }
        // the deprecated allowOrigin is a list of exact origins
        for (String exact : yaml.stringList(f.get("allowOrigin"), path + ".allowOrigin")) {
            origins.add(new StringMatch(StringMatch.Kind.EXACT, exact, yaml.at(f.get("allowOrigin"))));
        }
        Long maxAge = duration(f.get("maxAge"), path + ".maxAge");
        if (maxAge != null && maxAge % 1000 != 0) {
            error(yaml.at(f.get("maxAge")), path + ".maxAge: only whole seconds are allowed");
        }
        return new CorsPolicy(origins, yaml.stringList(f.get("allowMethods"), path + ".allowMethods"),
                yaml.stringList(f.get("allowHeaders"), path + ".allowHeaders"),
                yaml.stringList(f.get("exposeHeaders"), path + ".exposeHeaders"),
                maxAge == null ? null : maxAge / 1000, yaml.bool(f.get("allowCredentials"),
                path + ".allowCredentials"), yaml.at(node));
    }

    private HeaderOperations headerOperations(Node node, String path) {
        if (node == null) {
            return null;
        }
        Map<String, Node> f = yaml.fields(node, path, "Headers", List.of("request", "response"), List.of());
        Map<String, Node> req = f.get("request") == null ? Map.of()
                : yaml.fields(f.get("request"), path + ".request", "HeaderOperations", List.of("set", "add", "remove"),
                List.of());
        Map<String, Node> res = f.get("response") == null ? Map.of()
                : yaml.fields(f.get("response"), path + ".response", "HeaderOperations",
                List.of("set", "add", "remove"), List.of());
        return new HeaderOperations(
                yaml.stringMap(req.get("set"), path + ".request.set"), yaml.stringMap(req.get("add"), path + ".request.add"),
                yaml.stringList(req.get("remove"), path + ".request.remove"),
                yaml.stringMap(res.get("set"), path + ".response.set"),
                yaml.stringMap(res.get("add"), path + ".response.add"),
                yaml.stringList(res.get("remove"), path + ".response.remove"), yaml.at(node));
    }

    private Long duration(Node node, String path) {
        String text = yaml.string(node, path);
        if (text == null) {
            return null;
        }
        Long millis = Durations.parseMillis(text);
        if (millis == null) {
            error(yaml.at(node), path + ": '" + text + "' is not a duration; write it like 1.5s or 100ms");
        }
        return millis;
    }

    private HttpFault fault(Node node, String path) {
        if (node == null) {
            return null;
        }
        Map<String, Node> f = yaml.fields(node, path, "HTTPFaultInjection", List.of("delay", "abort"), List.of());
        Long delay = null;
        Double delayPercentage = null;
        if (f.get("delay") != null) {
            Map<String, Node> d = yaml.fields(f.get("delay"), path + ".delay", "Delay",
                    List.of("fixedDelay", "percentage", "percent"), List.of("exponentialDelay"));
            delay = duration(d.get("fixedDelay"), path + ".delay.fixedDelay");
            delayPercentage = percentage(d, path + ".delay");
            if (delay == null && d.get("fixedDelay") == null) {
                error(yaml.at(f.get("delay")), path + ".delay.fixedDelay is required");
            }
        }
        Integer status = null;
        Double abortPercentage = null;
        if (f.get("abort") != null) {
            Map<String, Node> a = yaml.fields(f.get("abort"), path + ".abort", "Abort",
                    List.of("httpStatus", "percentage"), List.of("grpcStatus", "http2Error"));
            status = yaml.integer(a.get("httpStatus"), path + ".abort.httpStatus");
            abortPercentage = percentage(a, path + ".abort");
            if (a.get("httpStatus") == null) {
                error(yaml.at(f.get("abort")), path + ".abort.httpStatus is required");
            }
        }
        return new HttpFault(delay, delayPercentage, status, abortPercentage, yaml.at(node));
    }

    /** {@code percentage: {value: 12.5}}; the deprecated integer {@code percent} is read as the same. */
    private Double percentage(Map<String, Node> fields, String path) {
        if (fields.get("percentage") != null) {
            return percentValue(fields.get("percentage"), path + ".percentage");
        }
        Integer percent = yaml.integer(fields.get("percent"), path + ".percent");
        return percent == null ? null : percent.doubleValue();
    }

    private HttpRewrite rewrite(Node node, String path) {
        if (node == null) {
            return null;
        }
        Map<String, Node> f = yaml.fields(node, path, "HTTPRewrite", List.of("uri", "authority", "uriRegexRewrite"),
                List.of());
        String match = null;
        String rewrite = null;
        if (f.get("uriRegexRewrite") != null) {
            Map<String, Node> r = yaml.fields(f.get("uriRegexRewrite"), path + ".uriRegexRewrite", "RegexRewrite",
                    List.of("match", "rewrite"), List.of());
            match = yaml.string(r.get("match"), path + ".uriRegexRewrite.match");
            rewrite = yaml.string(r.get("rewrite"), path + ".uriRegexRewrite.rewrite");
            match = match == null ? "" : match;
            rewrite = rewrite == null ? "" : rewrite;
        }
        return new HttpRewrite(yaml.string(f.get("uri"), path + ".uri"), yaml.string(f.get("authority"),
                path + ".authority"), match, rewrite, yaml.at(node));
    }

    private HttpRedirect redirect(Node node, String path) {
        if (node == null) {
            return null;
        }
        Map<String, Node> f = yaml.fields(node, path, "HTTPRedirect",
                List.of("uri", "authority", "port", "scheme", "redirectCode"), List.of("derivePort", "prefixRewrite"));
        Integer code = yaml.integer(f.get("redirectCode"), path + ".redirectCode");
        return new HttpRedirect(yaml.string(f.get("uri"), path + ".uri"),
                yaml.string(f.get("authority"), path + ".authority"), yaml.integer(f.get("port"), path + ".port"),
                yaml.string(f.get("scheme"), path + ".scheme"), code == null ? 0 : code, yaml.at(node));
    }

    private HttpDirectResponse directResponse(Node node, String path) {
        if (node == null) {
            return null;
        }
        Map<String, Node> f = yaml.fields(node, path, "HTTPDirectResponse", List.of("status", "body"), List.of());
        Integer status = yaml.integer(f.get("status"), path + ".status");
        String body = null;
        if (f.get("body") != null) {
            Map<String, Node> b = yaml.fields(f.get("body"), path + ".body", "HTTPBody", List.of("string"),
                    List.of("bytes"));
            body = yaml.string(b.get("string"), path + ".body.string");
        }
        if (status == null) {
            if (f.get("status") == null) {
                error(yaml.at(node), path + ".status is required");
            }
            return null;
        }
        return new HttpDirectResponse(status, body, yaml.at(node));
    }

    private HttpMatchRequest match(Node node, String path) {
        Map<String, Node> f = yaml.fields(node, path, "HTTPMatchRequest", MATCH_FIELDS, List.of());
        Boolean ignoreUriCase = yaml.bool(f.get("ignoreUriCase"), pathOf(f, path, "ignoreUriCase"));
        return new HttpMatchRequest(
                yaml.string(f.get("name"), pathOf(f, path, "name")),
                stringMatch(f.get("uri"), pathOf(f, path, "uri")),
                stringMatch(f.get("scheme"), pathOf(f, path, "scheme")),
                stringMatch(f.get("method"), pathOf(f, path, "method")),
                stringMatch(f.get("authority"), pathOf(f, path, "authority")),
                stringMatches(f.get("headers"), pathOf(f, path, "headers")),
                stringMatches(f.get("withoutHeaders"), pathOf(f, path, "withoutHeaders")),
                stringMatches(f.get("queryParams"), pathOf(f, path, "queryParams")),
                Boolean.TRUE.equals(ignoreUriCase),
                yaml.integer(f.get("port"), pathOf(f, path, "port")),
                yaml.stringMap(f.get("sourceLabels"), pathOf(f, path, "sourceLabels")),
                yaml.string(f.get("sourceNamespace"), pathOf(f, path, "sourceNamespace")),
                yaml.stringList(f.get("gateways"), pathOf(f, path, "gateways")),
                yaml.at(node));
    }

    private Map<String, StringMatch> stringMatches(Node node, String path) {
        Map<String, StringMatch> out = new LinkedHashMap<>();
        if (node == null) {
            return out;
        }
        yaml.entries(node, path).forEach((name, value) -> {
            StringMatch m = stringMatch(value, path + "." + name);
            out.put(name, m == null ? new StringMatch(StringMatch.Kind.PRESENT, null, yaml.at(value)) : m);
        });
        return out;
    }

    /** A StringMatch; {@code {}} (or a null value) is the present-match form. */
    private StringMatch stringMatch(Node node, String path) {
        if (node == null) {
            return null;
        }
        SourceLocation at = yaml.at(node);
        Map<String, Node> f = yaml.fields(node, path, "StringMatch", STRING_MATCH_FIELDS, List.of());
        if (f.size() > 1) {
            diagnostics.add(Diagnostic.error(resource, at, path + ": a StringMatch takes one of exact, prefix or regex;"
                    + " found " + String.join(" and ", f.keySet())));
            failed = true;
            return null;
        }
        if (f.isEmpty()) {
            return new StringMatch(StringMatch.Kind.PRESENT, null, at);
        }
        Map.Entry<String, Node> e = f.entrySet().iterator().next();
        String value = yaml.string(e.getValue(), path + "." + e.getKey());
        StringMatch.Kind kind = StringMatch.Kind.valueOf(e.getKey().toUpperCase());
        return new StringMatch(kind, value == null ? "" : value, at);
    }

    private HttpRouteDestination routeDestination(Node node, String path) {
        Map<String, Node> f = yaml.fields(node, path, "HTTPRouteDestination", DESTINATION_WEIGHT_FIELDS,
                DESTINATION_WEIGHT_UNSUPPORTED);
        Destination destination = null;
        Node d = f.get("destination");
        if (d == null) {
            error(yaml.at(node), path + ".destination is required");
        } else {
            destination = destination(d, path + ".destination");
        }
        return new HttpRouteDestination(destination, yaml.integer(f.get("weight"), pathOf(f, path, "weight")),
                headerOperations(f.get("headers"), pathOf(f, path, "headers")), yaml.at(node));
    }

    private Destination destination(Node node, String path) {
        Map<String, Node> df = yaml.fields(node, path, "Destination", DESTINATION_FIELDS, List.of());
        Integer port = null;
        if (df.get("port") != null) {
            Map<String, Node> pf = yaml.fields(df.get("port"), path + ".port", "PortSelector",
                    List.of("number"), List.of());
            port = yaml.integer(pf.get("number"), path + ".port.number");
        }
        return new Destination(yaml.string(df.get("host"), pathOf(df, path, "host")),
                yaml.string(df.get("subset"), pathOf(df, path, "subset")), port, yaml.at(node));
    }

    private DestinationRule destinationRule(ObjectMeta meta, SourceLocation at, Node spec) {
        Map<String, Node> f = yaml.fields(require(spec, at), "spec", "DestinationRule spec", DR_FIELDS, DR_UNSUPPORTED);
        List<Subset> subsets = new ArrayList<>();
        List<Node> nodes = yaml.list(f.get("subsets"), "spec.subsets");
        for (int i = 0; i < nodes.size(); i++) {
            String path = "spec.subsets[" + i + "]";
            Map<String, Node> sf = yaml.fields(nodes.get(i), path, "Subset", SUBSET_FIELDS, SUBSET_UNSUPPORTED);
            subsets.add(new Subset(yaml.string(sf.get("name"), path + ".name"),
                    yaml.stringMap(sf.get("labels"), path + ".labels"), yaml.at(nodes.get(i)),
                    trafficPolicy(sf.get("trafficPolicy"), path + ".trafficPolicy")));
        }
        return new DestinationRule(meta, at, yaml.string(f.get("host"), "spec.host"), subsets,
                yaml.stringList(f.get("exportTo"), "spec.exportTo"),
                trafficPolicy(f.get("trafficPolicy"), "spec.trafficPolicy"));
    }

    private Gateway gateway(ObjectMeta meta, SourceLocation at, Node spec) {
        Map<String, Node> f = yaml.fields(require(spec, at), "spec", "Gateway spec", GATEWAY_FIELDS, List.of());
        Map<String, String> selector = yaml.stringMap(f.get("selector"), "spec.selector");
        List<Gateway.Server> servers = new ArrayList<>();
        List<Node> nodes = yaml.list(f.get("servers"), "spec.servers");
        for (int i = 0; i < nodes.size(); i++) {
            String path = "spec.servers[" + i + "]";
            Map<String, Node> sf = yaml.fields(nodes.get(i), path, "Server", SERVER_FIELDS, SERVER_UNSUPPORTED);
            yaml.string(sf.get("name"), path + ".name");
            Integer number = null;
            String portName = null;
            String protocol = null;
            if (sf.get("port") != null) {
                Map<String, Node> pf = yaml.fields(sf.get("port"), path + ".port", "Port", PORT_FIELDS, List.of());
                number = yaml.integer(pf.get("number"), path + ".port.number");
                portName = yaml.string(pf.get("name"), path + ".port.name");
                protocol = yaml.string(pf.get("protocol"), path + ".port.protocol");
                if (pf.get("targetPort") != null) {
                    error(yaml.at(pf.get("targetPort")), path + ".port.targetPort: targetPort has no impact on Gateways");
                }
            }
            boolean httpsRedirect = false;
            Node tls = sf.get("tls");
            if (tls != null) {
                Map<String, Node> tf = yaml.fields(tls, path + ".tls", "ServerTLSSettings", SERVER_TLS_FIELDS,
                        SERVER_TLS_UNSUPPORTED);
                httpsRedirect = Boolean.TRUE.equals(yaml.bool(tf.get("httpsRedirect"), path + ".tls.httpsRedirect"));
            }
            servers.add(new Gateway.Server(number, portName, protocol,
                    yaml.stringList(sf.get("hosts"), path + ".hosts"), tls != null, httpsRedirect,
                    yaml.at(nodes.get(i))));
        }
        return new Gateway(meta, at, selector, servers);
    }

    private dev.meshroute.reference.model.TrafficPolicy trafficPolicy(Node node, String path) {
        return new TrafficPolicyParser(yaml, this::error).parse(node, path);
    }

    private Service service(ObjectMeta meta, SourceLocation at, Node spec) {
        // Kubernetes objects carry many fields meshroute has no use for: read what routing needs, ignore the rest.
        Map<String, Node> f = yaml.entries(require(spec, at), "spec");
        List<ServicePort> ports = new ArrayList<>();
        List<Node> nodes = yaml.list(f.get("ports"), "spec.ports");
        for (int i = 0; i < nodes.size(); i++) {
            String path = "spec.ports[" + i + "]";
            Map<String, Node> pf = yaml.entries(nodes.get(i), path);
            Integer port = yaml.integer(pf.get("port"), path + ".port");
            if (port == null) {
                if (pf.get("port") == null) {
                    error(yaml.at(nodes.get(i)), path + ".port is required");
                }
                continue;
            }
            String name = yaml.string(pf.get("name"), path + ".name");
            String protocol = yaml.string(pf.get("appProtocol"), path + ".appProtocol");
            ports.add(new ServicePort(name == null ? "" : name, port, protocol == null ? "http" : protocol));
        }
        if (ports.isEmpty() && !failed) {
            error(at, "spec.ports: a Service needs at least one port");
        }
        return new Service(meta, at, yaml.stringMap(f.get("selector"), "spec.selector"), ports);
    }

    private Workload deployment(ObjectMeta meta, SourceLocation at, Node spec) {
        Map<String, Node> f = yaml.entries(require(spec, at), "spec");
        Integer replicas = yaml.integer(f.get("replicas"), "spec.replicas");
        if (replicas != null && replicas < 0) {
            error(yaml.at(f.get("replicas")), "spec.replicas must be 0 or more");
        }
        Map<String, String> labels = Map.of();
        Node template = f.get("template");
        if (template != null) {
            Node templateMeta = yaml.entries(template, "spec.template").get("metadata");
            if (templateMeta != null) {
                labels = yaml.stringMap(yaml.entries(templateMeta, "spec.template.metadata").get("labels"),
                        "spec.template.metadata.labels");
            }
        }
        if (labels.isEmpty() && !failed) {
            error(at, "spec.template.metadata.labels is empty; a Service can only select pods by their labels");
        }
        return new Workload("Deployment", meta, at, labels, replicas == null ? 1 : replicas);
    }

    private Node require(Node spec, SourceLocation at) {
        if (spec == null) {
            error(at, "spec is missing");
        }
        return spec;
    }

    private void error(SourceLocation at, String message) {
        failed = true;
        diagnostics.add(Diagnostic.error(resource, at, message));
    }
}
