package dev.meshroute.reference.dataplane;

/** Decides what happens to a request. Implementations are thread-safe and never block. */
@FunctionalInterface
public interface Router {
    RouteDecision route(HttpRequestHead request);
}
