package dev.meshroute.reference.dataplane;

import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;

import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The router's attempts at one request: the first to the chosen endpoint, then retries as the route's retry policy
 * allows, each after Envoy's jittered back-off and, with the previous_hosts predicate, on an endpoint not tried
 * yet. The route timeout bounds all attempts together; a per-try timeout bounds each one.
 *
 * <p>Each attempt sends its own copy of the request, numbered in {@code x-envoy-attempt-count} when the virtual
 * host asks for it (Istio does). The last attempt's outcome goes to the client: the upstream's response, or the
 * proxy's own 503 UF / 503 UC / 504 UT / 503 UO. A {@link StreamedRequest} gets one attempt only. Every try goes through the cluster's circuit breakers and outlier
 * detection when the proxy has the cluster's state. Runs on one event loop, so it needs no locking.
 */
final class UpstreamAttempts {

    static final String ATTEMPT_COUNT_HEADER = "x-envoy-attempt-count";

    private final EventLoop loop;
    private final UpstreamPool upstreams;
    private final Router router;
    private final FullHttpRequest request;
    private final RouteDecision.Forward forward;
    private final Consumer<FullHttpResponse> reply;
    private final RetryRule retry;
    private final int maxAttempts;
    private final long deadlineNanos;
    /** The endpoints tried, for the previous_hosts predicate: the first alone until a retry needs a set. */
    private InetSocketAddress firstTried;
    private Set<InetSocketAddress> tried;
    private int attempts;

    /** The request is retained here until the last attempt ends; the caller keeps its own reference. */
    UpstreamAttempts(EventLoop loop, UpstreamPool upstreams, Router router, FullHttpRequest request,
                     RouteDecision.Forward forward, Consumer<FullHttpResponse> reply) {
        this.loop = loop;
        this.upstreams = upstreams;
        this.router = router;
        this.request = request.retain();
        this.forward = forward;
        this.reply = reply;
        this.retry = forward.attempts().retry();
        // Envoy gives up retries once a body outgrows the retry buffer (router.cc decodeData:
        // retry_or_shadow_abandoned): a streamed request has no copy to send again.
        this.maxAttempts = retry == null || request instanceof StreamedRequest ? 1 : 1 + retry.numRetries();
        this.deadlineNanos = forward.timeoutMillis() > 0
                ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(forward.timeoutMillis()) : 0;
    }

    void start() {
        attempt(new RouteTable.Endpoint(forward.endpoint(), forward.podName()));
    }

    private void attempt(RouteTable.Endpoint endpoint) {
        attempts++;
        if (firstTried == null) {
            firstTried = endpoint.address();
        } else {
            if (tried == null) {
                tried = new HashSet<>();
                tried.add(firstTried);
            }
            tried.add(endpoint.address());
        }
        long perTry = retry == null ? 0 : retry.perTryTimeoutMillis();
        long timeout = perTry;
        boolean routeTimeoutBounds = false;
        if (deadlineNanos != 0) {
            long remaining = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (remaining <= 0) {
                finish(LocalReplies.upstreamTimeout());
                return;
            }
            if (timeout == 0 || remaining <= timeout) {
                timeout = remaining;
                routeTimeoutBounds = true;
            }
        }
        boolean lastCanRetry = !routeTimeoutBounds;
        FullHttpRequest copy = copyFor(attempts);
        if (forward.attempts().attemptCountHeader()) {
            copy.headers().set(ATTEMPT_COUNT_HEADER, attempts);
        }
        try {
            Consumer<FullHttpResponse> outcome = response -> outcome(response, lastCanRetry);
            if (forward.upstream() != null) {
                // through the cluster's circuit breakers and outlier detection
                forward.upstream().forward(upstreams, loop, endpoint, forward.endpointCount(), copy, timeout, outcome);
            } else {
                ProxyBackendHandler.forward(upstreams, loop, endpoint.address(), copy, timeout, outcome);
            }
        } finally {
            copy.release();
        }
    }

    /**
     * The request as attempt {@code n} sends it: its own view of the body (sending consumes a view), and for a retry
     * its own headers too, since each attempt carries its own count. The first attempt shares the request's headers
     * (a retry copies them, the first count included, and numbers its copy), which spares two header maps per
     * request: most requests are never retried.
     */
    private FullHttpRequest copyFor(int n) {
        if (n > 1 || request instanceof StreamedRequest) {
            return request.retainedDuplicate();
        }
        return new DefaultFullHttpRequest(request.protocolVersion(), request.method(), request.uri(),
                request.content().retainedDuplicate(), request.headers(), request.trailingHeaders());
    }

    /** @param timeoutRetriable false when this attempt's timeout was the route's own, which ends the request */
    private void outcome(FullHttpResponse response, boolean timeoutRetriable) {
        if (attempts < maxAttempts && retriable(response, timeoutRetriable)) {
            RouteTable.Endpoint next =
                    router.retryEndpoint(forward.cluster(), retry, tried != null ? tried : Set.of(firstTried));
            if (next != null) {
                BodyStream.discard(response);
                long backoff = retry.backoffMillis(attempts, router.nextRandom());
                loop.schedule(() -> attempt(next), backoff, TimeUnit.MILLISECONDS);
                return;
            }
        }
        finish(response);
    }

    private boolean retriable(FullHttpResponse response, boolean timeoutRetriable) {
        if (retry == null) {
            return false;
        }
        String flags = response.headers().get(LocalReplies.RESPONSE_FLAGS_HEADER);
        if (flags == null) {
            return retry.retriesResponse(response.status().code(), response.headers().get("grpc-status"));
        }
        return switch (flags) {
            case "UF" -> retry.retriesFailure(RetryRule.Failure.CONNECT);
            case "UC" -> retry.retriesFailure(RetryRule.Failure.RESET);
            case "UT" -> timeoutRetriable && retry.retriesFailure(RetryRule.Failure.PER_TRY_TIMEOUT);
            default -> false;
        };
    }

    private void finish(FullHttpResponse response) {
        request.release();
        reply.accept(response);
    }
}
