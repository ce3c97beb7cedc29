@connection-pool @extended
Feature: Connection pool limits: requests beyond them are answered 503 UO
  `trafficPolicy.connectionPool` becomes the cluster's circuit breakers (every other limit stays at 2^32-1):
  `tcp.maxConnections` connections to the destination, `http.http1MaxPendingRequests` requests waiting for one,
  `http.http2MaxRequests` requests in flight. A request that can neither go nor wait is answered by the proxy
  itself: 503 with flag UO. The pods answer slowly here so that requests overlap.

  Background: my-app with pods my-app-v1-0..2 and my-app-v2-0..2, and a route to v1
    Given the fixture "traffic-policy/three-pods-per-version.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - route: [{destination: {host: my-app, subset: v1}}]
      """

  # Source: SEMANTICS.md 5.2 (applyConnectionPool: maxConnections, http1MaxPendingRequests, http2MaxRequests ->
  # circuit breaker thresholds; overflow -> 503 UO is [INF]; Istio's circuit-breaking task shows the same with
  # maxConnections 1 and http1MaxPendingRequests 1).
  @unverified
  Scenario Outline: Concurrent slow requests beyond the pool's limits are answered 503 UO
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: my-app
      spec:
        host: my-app
        trafficPolicy:
          connectionPool: <pool>
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v2, labels: {version: v2}}
      """
    When 8 clients send GET "/" to "my-app" at once and the pod takes 300 ms to answer
    Then some of them are answered 503 with response flag "UO" by the proxy
    And some of them are served by version "v1"
    And each of them is either served by version "v1" or answered 503 with response flag "UO"

    Examples:
      | pool                                                                  |
      | {tcp: {maxConnections: 1}, http: {http1MaxPendingRequests: 1}}         |
      | {http: {http2MaxRequests: 1, http1MaxPendingRequests: 1}}             |

  # Source: SEMANTICS.md 5.2 (only values > 0 replace Istio's 2^32-1 defaults; a generous pool limits nothing).
  Scenario: Concurrent requests within the pool's limits are all served
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: my-app
      spec:
        host: my-app
        trafficPolicy:
          connectionPool: {tcp: {maxConnections: 100}, http: {http1MaxPendingRequests: 100, maxRetries: 0}}
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v2, labels: {version: v2}}
      """
    When 8 clients send GET "/" to "my-app" at once and the pod takes 300 ms to answer
    Then all of them are served by version "v1"

  # Source: SEMANTICS.md 5.5 (a subset's connectionPool replaces the DestinationRule's; a subset without one
  # inherits it): the limit is on subset v2 only.
  @subset-traffic-policy @unverified
  Scenario: A limit set on one subset leaves the other subset unlimited
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: my-app
      spec:
        host: my-app
        subsets:
        - {name: v1, labels: {version: v1}}
        - name: v2
          labels: {version: v2}
          trafficPolicy:
            connectionPool: {tcp: {maxConnections: 1}, http: {http1MaxPendingRequests: 1}}
      """
    When 8 clients send GET "/" to "my-app" at once and the pod takes 300 ms to answer
    Then all of them are served by version "v1"
