@port-level-settings @extended
Feature: Port-level traffic policies: one port's policy, in place of the top-level one
  `trafficPolicy.portLevelSettings` gives one destination port its own policy. For that port it replaces the
  top-level policy entirely: a part the port-level entry leaves out falls back to the default, not to the
  top-level value. A port-level consistent hash is put on a route only when the route's destination names the
  port. The service my-app (port 80) has three pods per version.

  Background: my-app with pods my-app-v1-0..2 and my-app-v2-0..2
    Given the fixture "traffic-policy/three-pods-per-version.yaml"

  # Source: SEMANTICS.md 5.5 ("fields omitted in the port-level entry fall back to defaults, not to the top-level
  # values"; util.GetPortLevelTrafficPolicy): the top-level outlierDetection does not apply on port 80.
  @outlier-detection
  Scenario: A port-level entry drops the top-level outlier detection it does not repeat
    Given the configuration:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: broken-g
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
          portLevelSettings:
          - port: {number: 80}
            loadBalancer: {simple: ROUND_ROBIN}
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v2, labels: {version: v2}}
      """
    When a client sends GET "/" to "my-app" until pod "broken-g-0" answers 500
    Then some of 100 more such requests are answered 500 by pod "broken-g-0"

  # Source: route.go HashForHTTPDestination and portLevelSettingsConsistentHash (a port-level hash counts only
  # "if dst.Port != nil"); SEMANTICS.md 5.1 (precedence: subset port-level > subset > DR port-level > DR top-level).
  @consistent-hash
  Scenario Outline: A port-level consistent hash sticks only on routes whose destination names the port
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - route: [{destination: <destination>}]
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: my-app
      spec:
        host: my-app
        trafficPolicy:
          portLevelSettings:
          - port: {number: 80}
            loadBalancer: {consistentHash: {httpHeaderName: x-user}}
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v2, labels: {version: v2}}
      """
    When a client sends GET "/" to "my-app" with headers:
      | x-user | alice |
    Then it is served by version "v1"
    And <outcome>

    Examples:
      | destination                                  | outcome                                                               |
      | {host: my-app, subset: v1, port: {number: 80}} | every one of 50 more such requests is served by the pod that answered |
      | {host: my-app, subset: v1}                   | 50 more such requests reach more than one pod                         |
