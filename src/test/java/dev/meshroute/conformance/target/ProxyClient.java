package dev.meshroute.conformance.target;

import io.restassured.RestAssured;
import io.restassured.config.RedirectConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.Header;
import io.restassured.specification.RequestSpecification;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sends scenario requests to a proxy's HTTP port, the way a client next to a sidecar would: single
 * exchanges with rest-assured, bulk sampling with the lean {@link BulkClient}. A request's injected
 * random value travels in {@link #RANDOM_VALUE_HEADER}, the header the control plane names in Envoy's
 * {@code weighted_clusters.header_name}.
 */
public final class ProxyClient {

    public static final String RANDOM_VALUE_HEADER = "x-meshroute-random-value";

    private final String host;
    private final int port;
    private final BulkClient bulk;

    public ProxyClient(String host, int port) {
        this.host = host;
        this.port = port;
        this.bulk = new BulkClient(new InetSocketAddress(host, port));
    }

    public Exchange.Response send(Exchange.Request request) {
        request = withRandomValueHeader(request);
        RequestSpecification spec = RestAssured.given()
                .config(RestAssuredConfig.config().redirect(RedirectConfig.redirectConfig().followRedirects(false)))
                .baseUri("http://" + host)
                .port(port)
                .urlEncodingEnabled(false)
                .header("Host", request.host());
        for (Map.Entry<String, String> h : request.headers()) {
            spec.header(h.getKey(), h.getValue());
        }
        io.restassured.response.Response r = spec.request(request.method(), request.path());
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Header h : r.getHeaders()) {
            headers.computeIfAbsent(h.getName().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(h.getValue());
        }
        return ResponseParser.parse(r.getStatusCode(), headers, r.getBody().asString());
    }

    /** {@code request} as an HTTP/1.0 client sends it, on a connection of its own. */
    public Exchange.Response sendHttp10(Exchange.Request request) {
        return bulk.sendOnce(withRandomValueHeader(request), "HTTP/1.0");
    }

    public List<Exchange.Response> sendMany(Exchange.Request request, int count) {
        return bulk.sendMany(withRandomValueHeader(request), count);
    }

    /** One keep-alive connection, one request at a time. */
    public List<Exchange.Response> sendOneAtATime(Exchange.Request request, int count) {
        return bulk.sendMany(withRandomValueHeader(request), count, 1);
    }

    private static Exchange.Request withRandomValueHeader(Exchange.Request request) {
        if (request.randomValue() == null) {
            return request;
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>(request.headers());
        headers.add(Map.entry(RANDOM_VALUE_HEADER, Long.toUnsignedString(request.randomValue())));
        return new Exchange.Request(request.method(), request.path(), request.host(), headers);
    }
}
