package dev.meshroute.conformance.target.adapter;

import dev.meshroute.conformance.target.ConfigSource;
import dev.meshroute.conformance.target.Exchange;
import dev.meshroute.conformance.target.Finding;
import dev.meshroute.conformance.target.MeshUnderTest;
import dev.meshroute.conformance.target.ProxyClient;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Any implementation, in any language, that serves the meshroute adapter protocol ({@code docs/ADAPTER.md}) at
 * {@code -Dmeshroute.adapter.url}: configuration and queries go over the protocol, requests go straight to the proxy
 * addresses the adapter names. When the adapter cannot be reached or does not speak the protocol, the target is
 * unavailable: every scenario is skipped with the reason, and the run fails (TargetAvailabilityIT).
 */
public final class AdapterTarget implements MeshUnderTest {

    /** The system property naming the adapter's base URL. */
    public static final String URL_PROPERTY = "meshroute.adapter.url";

    private final AdapterClient adapter;
    private final Duration liveTimeout;
    private final String unavailable;
    private final AdapterClient.Info info;
    private final ProxyClient sidecar;
    private final ProxyClient gateway;

    /**
     * The adapter at {@code -Dmeshroute.adapter.url}; {@code -Dmeshroute.adapter.timeout} (ISO-8601, default PT10S)
     * bounds each protocol call, {@code -Dmeshroute.adapter.live-timeout} (default PT30S) the answer to
     * {@code PUT /v1/config} (the adapter may start workloads first) and, again, the wait for it to become live.
     */
    public static AdapterTarget fromSystemProperties() {
        String url = System.getProperty(URL_PROPERTY, "");
        Duration timeout = Duration.parse(System.getProperty("meshroute.adapter.timeout", "PT10S"));
        Duration live = Duration.parse(System.getProperty("meshroute.adapter.live-timeout", "PT30S"));
        if (url.isBlank()) {
            return new AdapterTarget(null, live, "no adapter URL: pass -D" + URL_PROPERTY
                    + "=http://HOST:PORT, the address the implementation serves the adapter protocol on"
                    + " (docs/ADAPTER.md)");
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return new AdapterTarget(null, live, "-D" + URL_PROPERTY + "=" + url + " is not a URL");
        }
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
            return new AdapterTarget(null, live, "-D" + URL_PROPERTY + "=" + url + " is not an http://HOST:PORT URL");
        }
        return new AdapterTarget(new AdapterClient(uri, timeout), live);
    }

    public AdapterTarget(AdapterClient adapter, Duration liveTimeout) {
        this(adapter, liveTimeout, null);
    }

    private AdapterTarget(AdapterClient adapter, Duration liveTimeout, String unavailable) {
        this.adapter = adapter;
        this.liveTimeout = liveTimeout;
        AdapterClient.Info read = null;
        if (unavailable == null) {
            try {
                read = adapter.info();
            } catch (AdapterClient.AdapterException e) {
                unavailable = e.getMessage();
            }
        }
        this.unavailable = unavailable;
        this.info = read;
        this.sidecar = read == null ? null : new ProxyClient(read.sidecar().host(), read.sidecar().port());
        this.gateway = read == null || read.ingressGateway() == null ? null
                : new ProxyClient(read.ingressGateway().host(), read.ingressGateway().port());
    }

    @Override
    public String name() {
        return info == null ? "adapter" + (adapter == null ? "" : " at " + adapter.base())
                : "adapter " + info.name() + " at " + adapter.base();
    }

    @Override
    public Optional<String> unavailable() {
        return Optional.ofNullable(unavailable);
    }

    @Override
    public String version() {
        return info == null ? "unknown" : info.version();
    }

    /** What the adapter declares; {@code gateway} only counts when it also names the ingress gateway's address. */
    @Override
    public Set<String> capabilities() {
        if (info == null) {
            return Set.of();
        }
        if (gateway == null && info.capabilities().contains("gateway")) {
            Set<String> without = new java.util.HashSet<>(info.capabilities());
            without.remove("gateway");
            return Set.copyOf(without);
        }
        return info.capabilities();
    }

    /** Sends the configuration, then polls its generation's status until the adapter reports it live. */
    @Override
    public Applied apply(List<ConfigSource> sources) {
        long start = System.nanoTime();
        AdapterClient.Applied applied = adapter.putConfig(sources, liveTimeout);
        long deadline = start + liveTimeout.toNanos();
        AdapterClient.Status status = adapter.status(applied.generation());
        while (!status.live()) {
            if (status.failed()) {
                throw new AdapterClient.AdapterException("configuration generation " + applied.generation() + " is "
                        + status.state() + (status.message().isEmpty() ? "" : ": " + status.message()), null);
            }
            if (System.nanoTime() > deadline) {
                throw new AdapterClient.AdapterException("configuration generation " + applied.generation()
                        + " was not live within " + liveTimeout.toMillis() + " ms (last state: " + status.state()
                        + (status.message().isEmpty() ? "" : ", " + status.message()) + ")", null);
            }
            sleep();
            status = adapter.status(applied.generation());
        }
        return new Applied(applied.findings(), Duration.ofNanos(System.nanoTime() - start));
    }

    private static void sleep() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdapterClient.AdapterException("interrupted while waiting for the configuration", e);
        }
    }

    @Override
    public List<Finding> analyze(List<ConfigSource> sources) {
        return adapter.analyze(sources);
    }

    @Override
    public Exchange.Response send(Exchange.Request request) {
        return sidecar.send(request);
    }

    @Override
    public List<Exchange.Response> sendMany(Exchange.Request request, int count) {
        return sidecar.sendMany(request, count);
    }

    @Override
    public List<Exchange.Response> sendOneAtATime(Exchange.Request request, int count) {
        return sidecar.sendOneAtATime(request, count);
    }

    @Override
    public List<String> routeNames(String host) {
        return adapter.routes("sidecar", host);
    }

    @Override
    public List<Map<String, Object>> receivedRequests(String namespace, Map<String, String> labels) {
        return adapter.received(namespace, labels);
    }

    @Override
    public Exchange.Response sendToIngressGateway(Exchange.Request request) {
        if (gateway == null) {
            throw new UnsupportedOperationException(name() + " names no ingress gateway address (gateway)");
        }
        return gateway.send(request);
    }

    @Override
    public List<String> ingressGatewayRouteNames(String host) {
        return adapter.routes("ingress-gateway", host);
    }

    /** Leaves the adapter empty (no workloads running), when it can still be reached. */
    @Override
    public void close() {
        if (info != null) {
            try {
                adapter.deleteConfig();
            } catch (AdapterClient.AdapterException ignored) {
                // the adapter already stopped: nothing is left to clean up
            }
        }
    }
}
