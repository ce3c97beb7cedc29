package dev.meshroute.reference.dataplane;

import dev.meshroute.reference.mutants.Mutant;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The proxy's live state for one CDS cluster, kept across route table swaps while the cluster's configuration is
 * unchanged (as Envoy keeps a cluster whose CDS resource did not change): its load balancer, its circuit breakers,
 * its outlier detection and its endpoints' active requests. Thread-safe.
 */
public final class UpstreamCluster {

    private final Cluster config;
    private final LoadBalancer loadBalancer;
    private final CircuitBreaker breaker;
    private final OutlierDetector outliers;
    private final double panicThresholdPercent;
    private final Mutant mutant;
    private final Map<RouteTable.Endpoint, AtomicInteger> active = new ConcurrentHashMap<>();

    UpstreamCluster(Cluster config, LongSupplier clock, Mutant mutant) {
        this.config = config;
        this.loadBalancer = new LoadBalancer(mutant == Mutant.ROUND_ROBIN_PICKS_AT_RANDOM
                && config.getLbPolicy() == Cluster.LbPolicy.ROUND_ROBIN
                ? config.toBuilder().setLbPolicy(Cluster.LbPolicy.RANDOM).build() : config);
        this.breaker = CircuitBreaker.of(config);
        this.outliers = OutlierDetector.of(config, clock, mutant);
        this.panicThresholdPercent = config.getCommonLbConfig().hasHealthyPanicThreshold()
                ? config.getCommonLbConfig().getHealthyPanicThreshold().getValue() : 50;
        this.mutant = mutant;
    }

    Cluster config() {
        return config;
    }

    boolean usesHash() {
        return loadBalancer.usesHash() && mutant != Mutant.CONSISTENT_HASH_IGNORES_KEY;
    }

    /**
     * The endpoint for a request, or null when every endpoint is ejected and panic mode is off (Envoy then answers
     * 503 UH). Below the panic threshold of healthy endpoints Envoy balances over all of them.
     */
    public RouteTable.Endpoint pick(List<RouteTable.Endpoint> endpoints, OptionalLong hash, RandomSource random) {
        List<RouteTable.Endpoint> candidates = endpoints;
        if (outliers != null) {
            List<RouteTable.Endpoint> healthy = outliers.healthy(endpoints);
            boolean panic = 100.0 * healthy.size() / endpoints.size() < panicThresholdPercent;
            candidates = panic ? endpoints : healthy;
        }
        if (candidates.isEmpty()) {
            return null;
        }
        return loadBalancer.pick(candidates, usesHash() ? hash : OptionalLong.empty(), random, active);
    }

    /**
     * Forwards {@code request} to {@code endpoint} through the circuit breakers, and afterwards tells outlier
     * detection how the endpoint answered. An overflow is answered 503 UO without contacting the endpoint. Call on
     * {@code loop}; {@code reply} runs on it.
     */
    void forward(UpstreamPool pool, EventLoop loop, RouteTable.Endpoint endpoint, int endpointCount,
                 FullHttpRequest request, long timeoutMillis, Consumer<FullHttpResponse> reply) {
        request.retain(); // a pending request outlives the caller's reference
        Runnable send = () -> {
            try {
                AtomicInteger count = active.computeIfAbsent(endpoint, e -> new AtomicInteger());
                count.incrementAndGet();
                ProxyBackendHandler.forward(pool, loop, endpoint.address(), request, timeoutMillis, response -> {
                    answered(endpoint, response.status().code(), endpointCount);
                    Runnable ended = () -> {
                        count.decrementAndGet();
                        released();
                    };
                    if (response instanceof StreamedResponse streamed) {
                        // Envoy counts a request as active (rq_active: circuit breakers, least-request) until its
                        // response is complete, not only until its head came
                        streamed.rest().whenEnded(ended);
                    } else {
                        ended.run();
                    }
                    reply.accept(response);
                });
            } finally {
                request.release();
            }
        };
        // Admitted at once (the usual case): sent now, on this loop. Queued by the breakers: sent by a task on the
        // loop once a slot frees up (release() may run on another loop), not from within the exchange that freed it.
        boolean[] admitting = {true};
        admit(() -> {
            if (admitting[0] && loop.inEventLoop()) {
                send.run();
            } else {
                loop.execute(send);
            }
        }, () -> loop.execute(() -> {
            request.release();
            reply.accept(LocalReplies.overflow());
        }));
        admitting[0] = false;
    }

    /**
     * The circuit breakers' decision for one request: {@code dispatch} runs now or once a slot frees up, or
     * {@code overflow} runs (the proxy answers 503 UO). Each dispatched request must end with {@link #finished}.
     */
    public void admit(Runnable dispatch, Runnable overflow) {
        if (mutant == Mutant.CIRCUIT_BREAKER_IGNORED) {
            dispatch.run();
        } else {
            breaker.admit(dispatch, overflow);
        }
    }

    /** A dispatched request got {@code status} from {@code endpoint} (or the proxy's 503/504 for it), and ended. */
    public void finished(RouteTable.Endpoint endpoint, int status, int endpointCount) {
        answered(endpoint, status, endpointCount);
        released();
    }

    /** Outlier detection hears of {@code status} as soon as the response head comes, as Envoy's does. */
    private void answered(RouteTable.Endpoint endpoint, int status, int endpointCount) {
        if (outliers != null) {
            outliers.record(endpoint, status, endpointCount);
        }
    }

    /** A dispatched request ended: its circuit breaker slot goes to the next. */
    private void released() {
        if (mutant != Mutant.CIRCUIT_BREAKER_IGNORED) {
            breaker.release();
        }
    }
}
