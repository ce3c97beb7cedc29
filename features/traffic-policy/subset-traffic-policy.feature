@subset-traffic-policy @extended
Feature: Which traffic policy a destination gets: subset parts replace, the first DestinationRule's policy wins
  A subset's own `trafficPolicy` replaces the DestinationRule's part by part: a `loadBalancer` set on the subset
  replaces the DestinationRule's whole `loadBalancer` (no field of it survives), and a part the subset leaves out
  is inherited. Of several DestinationRules for one host (same namespace, same exportTo), the first one with a
  top-level `trafficPolicy` gives it wholesale; later ones add subsets, never policy fields.

  Background: my-app with pods my-app-v1-0..2 and my-app-v2-0..2
    Given the fixture "traffic-policy/three-pods-per-version.yaml"

  # Source: SEMANTICS.md 5.5 (util.MergeSubsetTrafficPolicy: a subset's loadBalancer replaces the DR-level one
  # wholesale; route.go HashForHTTPDestination keeps the DR's hash policy on the route, which a ROUND_ROBIN cluster
  # ignores).
  Scenario: A subset's simple algorithm replaces the DestinationRule's consistent hash
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{headers: {x-canary: {exact: "yes"}}}]
          route: [{destination: {host: my-app, subset: v2}}]
        - route: [{destination: {host: my-app, subset: v1}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: my-app
      spec:
        host: my-app
        trafficPolicy:
          loadBalancer: {consistentHash: {httpHeaderName: x-user}}
        subsets:
        - {name: v1, labels: {version: v1}}
        - name: v2
          labels: {version: v2}
          trafficPolicy:
            loadBalancer: {simple: ROUND_ROBIN}
      """
    Then every one of 50 requests GET "/" to "my-app" with these headers is served by the same pod:
      | x-user | alice |
    When a client sends GET "/" to "my-app" with headers:
      | x-canary | yes   |
      | x-user   | alice |
    Then it is served by version "v2"
    And 30 requests GET "/" to "my-app" with the same headers reach more than one pod

  # Source: SEMANTICS.md 5.5 (DR {lb: RANDOM}; subset {lb: {consistentHash: ...}} -> the subset uses RING_HASH).
  Scenario: A subset's consistent hash replaces the DestinationRule's simple algorithm
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - route: [{destination: {host: my-app, subset: v2}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: my-app
      spec:
        host: my-app
        trafficPolicy:
          loadBalancer: {simple: RANDOM}
        subsets:
        - {name: v1, labels: {version: v1}}
        - name: v2
          labels: {version: v2}
          trafficPolicy:
            loadBalancer: {consistentHash: {httpHeaderName: x-user}}
      """
    Then every one of 50 requests GET "/" to "my-app" with these headers is served by the same pod:
      | x-user | alice |

  # Source: SEMANTICS.md 5.5 (a part the subset leaves unset is inherited): the subset sets only loadBalancer, so
  # the DestinationRule's outlierDetection still ejects the broken pod.
  @outlier-detection
  Scenario: A subset that sets only its load balancer keeps the DestinationRule's outlier detection
    Given the configuration:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: broken-e
      spec:
        replicas: 1
        template:
          metadata:
            labels: {app: my-app, version: v1, echo.meshroute.dev/status: "500"}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - route: [{destination: {host: my-app, subset: v1}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: my-app
      spec:
        host: my-app
        trafficPolicy:
          outlierDetection: {consecutive5xxErrors: 1, baseEjectionTime: 3m, maxEjectionPercent: 100}
        subsets:
        - name: v1
          labels: {version: v1}
          trafficPolicy:
            loadBalancer: {simple: ROUND_ROBIN}
        - {name: v2, labels: {version: v2}}
      """
    When a client sends GET "/" to "my-app" until pod "broken-e-0" answers 500
    Then every one of 60 more such requests is answered 200 by a pod other than "broken-e-0"

  # Source: SEMANTICS.md 3.4 (mergeDestinationRule: "top-level trafficPolicy: the first non-nil one wins
  # wholesale (no field merge)"): the newer DestinationRule's outlierDetection is dropped with the rest of its
  # policy, so the broken pod is never ejected. (Rules are ordered by creationTimestamp, then name.)
  @outlier-detection
  Scenario: Of two DestinationRules for one host, the first one's traffic policy applies wholesale
    Given the configuration:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: broken-f
      spec:
        replicas: 1
        template:
          metadata:
            labels: {app: my-app, version: v1, echo.meshroute.dev/status: "500"}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - route: [{destination: {host: my-app, subset: v1}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: my-app-subsets
        creationTimestamp: "2025-01-01T00:00:00Z"
      spec:
        host: my-app
        trafficPolicy:
          loadBalancer: {simple: RANDOM}
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v2, labels: {version: v2}}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: my-app-resilience
        creationTimestamp: "2025-06-01T00:00:00Z"
      spec:
        host: my-app
        trafficPolicy:
          outlierDetection: {consecutive5xxErrors: 1, baseEjectionTime: 3m, maxEjectionPercent: 100}
      """
    When a client sends GET "/" to "my-app" until pod "broken-f-0" answers 500
    Then some of 100 more such requests are answered 500 by pod "broken-f-0"
