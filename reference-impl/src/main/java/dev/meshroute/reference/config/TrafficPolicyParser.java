package dev.meshroute.reference.config;

import dev.meshroute.reference.model.SourceLocation;
import dev.meshroute.reference.model.TrafficPolicy;
import org.yaml.snakeyaml.nodes.Node;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Reads a DestinationRule's (or a subset's) {@code trafficPolicy} into a {@link TrafficPolicy}, reporting shape
 * errors with file and line. Valid Istio fields the reference does not implement are rejected as such.
 */
final class TrafficPolicyParser {

    private static final List<String> POLICY_FIELDS = List.of("loadBalancer", "connectionPool", "outlierDetection",
            "portLevelSettings");
    private static final List<String> POLICY_UNSUPPORTED = List.of("tls", "tunnel", "proxyProtocol", "retryBudget");
    private static final List<String> PORT_POLICY_FIELDS = List.of("port", "loadBalancer", "connectionPool",
            "outlierDetection");
    private static final List<String> LB_FIELDS = List.of("simple", "consistentHash");
    private static final List<String> LB_UNSUPPORTED = List.of("localityLbSetting", "zoneAwareLbSetting",
            "warmupDurationSecs", "warmup");
    private static final List<String> HASH_FIELDS = List.of("httpHeaderName", "httpCookie", "useSourceIp",
            "httpQueryParameterName", "ringHash", "maglev", "minimumRingSize");
    private static final List<String> TCP_FIELDS = List.of("maxConnections", "connectTimeout");
    private static final List<String> TCP_UNSUPPORTED = List.of("tcpKeepalive", "maxConnectionDuration",
            "idleTimeout");
    private static final List<String> HTTP_FIELDS = List.of("http1MaxPendingRequests", "http2MaxRequests",
            "maxRequestsPerConnection", "maxRetries", "idleTimeout");
    private static final List<String> HTTP_UNSUPPORTED = List.of("h2UpgradePolicy", "useClientProtocol",
            "maxConcurrentStreams", "http2KeepAlive");
    private static final List<String> OUTLIER_FIELDS = List.of("consecutive5xxErrors", "consecutiveGatewayErrors",
            "consecutiveErrors", "interval", "baseEjectionTime", "maxEjectionPercent", "minHealthPercent");
    private static final List<String> OUTLIER_UNSUPPORTED = List.of("splitExternalLocalOriginErrors",
            "consecutiveLocalOriginFailures", "outlierDetectionHttpErrorCodes");

    private final Yaml yaml;
    private final BiConsumer<SourceLocation, String> error;

    TrafficPolicyParser(Yaml yaml, BiConsumer<SourceLocation, String> error) {
        this.yaml = yaml;
        this.error = error;
    }

    /** The policy at {@code path}, or null when the node is absent. */
    TrafficPolicy parse(Node node, String path) {
        if (node == null || Yaml.isNull(node)) {
            return null;
        }
        Map<String, Node> f = yaml.fields(node, path, "TrafficPolicy", POLICY_FIELDS, POLICY_UNSUPPORTED);
        List<TrafficPolicy.PortTrafficPolicy> ports = new java.util.ArrayList<>();
        List<Node> portNodes = yaml.list(f.get("portLevelSettings"), path + ".portLevelSettings");
        for (int i = 0; i < portNodes.size(); i++) {
            String at = path + ".portLevelSettings[" + i + "]";
            Map<String, Node> p = yaml.fields(portNodes.get(i), at, "PortTrafficPolicy", PORT_POLICY_FIELDS,
                    List.of("tls"));
            Integer number = null;
            if (p.get("port") != null) {
                Map<String, Node> pf = yaml.fields(p.get("port"), at + ".port", "PortSelector", List.of("number"),
                        List.of());
                number = yaml.integer(pf.get("number"), at + ".port.number");
            }
            ports.add(new TrafficPolicy.PortTrafficPolicy(number,
                    loadBalancer(p.get("loadBalancer"), at + ".loadBalancer"),
                    connectionPool(p.get("connectionPool"), at + ".connectionPool"),
                    outlierDetection(p.get("outlierDetection"), at + ".outlierDetection"), yaml.at(portNodes.get(i))));
        }
        return new TrafficPolicy(loadBalancer(f.get("loadBalancer"), path + ".loadBalancer"),
                connectionPool(f.get("connectionPool"), path + ".connectionPool"),
                outlierDetection(f.get("outlierDetection"), path + ".outlierDetection"), ports, yaml.at(node));
    }

    private TrafficPolicy.LoadBalancer loadBalancer(Node node, String path) {
        if (node == null || Yaml.isNull(node)) {
            return null;
        }
        Map<String, Node> f = yaml.fields(node, path, "LoadBalancerSettings", LB_FIELDS, LB_UNSUPPORTED);
        TrafficPolicy.Simple simple = null;
        String text = yaml.string(f.get("simple"), path + ".simple");
        if (text != null) {
            try {
                simple = TrafficPolicy.Simple.valueOf(text.toUpperCase(Locale.ROOT));
                if (!text.equals(simple.name())) {
                    throw new IllegalArgumentException(text);
                }
            } catch (IllegalArgumentException e) {
                error.accept(yaml.at(f.get("simple")), path + ".simple: unknown value '" + text + "'; expected one of"
                        + " UNSPECIFIED, LEAST_REQUEST, LEAST_CONN, ROUND_ROBIN, RANDOM, PASSTHROUGH");
            }
        }
        if (simple == TrafficPolicy.Simple.PASSTHROUGH) {
            error.accept(yaml.at(f.get("simple")), path + ".simple: PASSTHROUGH is valid Istio, but not implemented by"
                    + " the meshroute reference yet; remove it or run this config against another target");
        }
        TrafficPolicy.ConsistentHash hash = consistentHash(f.get("consistentHash"), path + ".consistentHash");
        if (f.get("simple") != null && f.get("consistentHash") != null) {
            error.accept(yaml.at(node), path + ": simple and consistentHash are one of a kind (a oneof); set only one");
        }
        return new TrafficPolicy.LoadBalancer(simple, hash, yaml.at(node));
    }

    private TrafficPolicy.ConsistentHash consistentHash(Node node, String path) {
        if (node == null || Yaml.isNull(node)) {
            return null;
        }
        Map<String, Node> f = yaml.fields(node, path, "ConsistentHashLB", HASH_FIELDS, List.of());
        TrafficPolicy.HttpCookie cookie = null;
        if (f.get("httpCookie") != null) {
            String cp = path + ".httpCookie";
            Map<String, Node> c = yaml.fields(f.get("httpCookie"), cp, "HTTPCookie", List.of("name", "path", "ttl"),
                    List.of("attributes"));
            cookie = new TrafficPolicy.HttpCookie(yaml.string(c.get("name"), cp + ".name"),
                    yaml.string(c.get("path"), cp + ".path"), duration(c.get("ttl"), cp + ".ttl"));
        }
        Boolean sourceIp = yaml.bool(f.get("useSourceIp"), path + ".useSourceIp");
        boolean ringHash = f.get("ringHash") != null;
        long ringSize = 0;
        if (ringHash) {
            Map<String, Node> r = yaml.fields(f.get("ringHash"), path + ".ringHash", "RingHash",
                    List.of("minimumRingSize"), List.of());
            ringSize = nonNegative(r.get("minimumRingSize"), path + ".ringHash.minimumRingSize");
        }
        boolean maglev = f.get("maglev") != null;
        long tableSize = 0;
        if (maglev) {
            Map<String, Node> m = yaml.fields(f.get("maglev"), path + ".maglev", "MagLev", List.of("tableSize"),
                    List.of());
            tableSize = nonNegative(m.get("tableSize"), path + ".maglev.tableSize");
        }
        if (ringHash && maglev) {
            error.accept(yaml.at(node), path + ": ringHash and maglev are one of a kind (a oneof); set only one");
        }
        TrafficPolicy.ConsistentHash out = new TrafficPolicy.ConsistentHash(
                yaml.string(f.get("httpHeaderName"), path + ".httpHeaderName"), cookie, Boolean.TRUE.equals(sourceIp),
                yaml.string(f.get("httpQueryParameterName"), path + ".httpQueryParameterName"),
                nonNegative(f.get("minimumRingSize"), path + ".minimumRingSize"), ringHash, ringSize, maglev,
                tableSize, yaml.at(node));
        long keys = List.of("httpHeaderName", "httpCookie", "useSourceIp", "httpQueryParameterName").stream()
                .filter(f::containsKey).count();
        if (keys > 1) {
            error.accept(yaml.at(node), path + ": httpHeaderName, httpCookie, useSourceIp and httpQueryParameterName"
                    + " are one of a kind (a oneof); set only one");
        }
        return out;
    }

    private TrafficPolicy.ConnectionPool connectionPool(Node node, String path) {
        if (node == null || Yaml.isNull(node)) {
            return null;
        }
        Map<String, Node> f = yaml.fields(node, path, "ConnectionPoolSettings", List.of("tcp", "http"), List.of());
        Map<String, Node> tcp = f.get("tcp") == null ? Map.of()
                : yaml.fields(f.get("tcp"), path + ".tcp", "TCPSettings", TCP_FIELDS, TCP_UNSUPPORTED);
        Map<String, Node> http = f.get("http") == null ? Map.of()
                : yaml.fields(f.get("http"), path + ".http", "HTTPSettings", HTTP_FIELDS, HTTP_UNSUPPORTED);
        return new TrafficPolicy.ConnectionPool(f.get("tcp") != null, f.get("http") != null,
                integer(tcp.get("maxConnections"), path + ".tcp.maxConnections"),
                duration(tcp.get("connectTimeout"), path + ".tcp.connectTimeout"),
                integer(http.get("http1MaxPendingRequests"), path + ".http.http1MaxPendingRequests"),
                integer(http.get("http2MaxRequests"), path + ".http.http2MaxRequests"),
                integer(http.get("maxRequestsPerConnection"), path + ".http.maxRequestsPerConnection"),
                integer(http.get("maxRetries"), path + ".http.maxRetries"),
                duration(http.get("idleTimeout"), path + ".http.idleTimeout"), yaml.at(node));
    }

    private TrafficPolicy.OutlierDetection outlierDetection(Node node, String path) {
        if (node == null || Yaml.isNull(node)) {
            return null;
        }
        Map<String, Node> f = yaml.fields(node, path, "OutlierDetection", OUTLIER_FIELDS, OUTLIER_UNSUPPORTED);
        Integer fiveXx = f.get("consecutive5xxErrors") == null ? null
                : (int) nonNegative(f.get("consecutive5xxErrors"), path + ".consecutive5xxErrors");
        Integer gateway = f.get("consecutiveGatewayErrors") == null ? null
                : (int) nonNegative(f.get("consecutiveGatewayErrors"), path + ".consecutiveGatewayErrors");
        return new TrafficPolicy.OutlierDetection(fiveXx, gateway,
                integer(f.get("consecutiveErrors"), path + ".consecutiveErrors"),
                duration(f.get("interval"), path + ".interval"),
                duration(f.get("baseEjectionTime"), path + ".baseEjectionTime"),
                integer(f.get("maxEjectionPercent"), path + ".maxEjectionPercent"),
                integer(f.get("minHealthPercent"), path + ".minHealthPercent"), yaml.at(node));
    }

    private int integer(Node node, String path) {
        Integer value = yaml.integer(node, path);
        return value == null ? 0 : value;
    }

    /** An unsigned field (uint32/uint64 in the proto): a negative value is a shape error. */
    private long nonNegative(Node node, String path) {
        Integer value = yaml.integer(node, path);
        if (value != null && value < 0) {
            error.accept(yaml.at(node), path + ": " + value + " is negative; this field is unsigned");
            return 0;
        }
        return value == null ? 0 : value;
    }

    private Long duration(Node node, String path) {
        String text = yaml.string(node, path);
        if (text == null) {
            return null;
        }
        Long millis = Durations.parseMillis(text);
        if (millis == null) {
            error.accept(yaml.at(node), path + ": '" + text + "' is not a duration; write it like 1.5s or 100ms");
        }
        return millis;
    }
}
