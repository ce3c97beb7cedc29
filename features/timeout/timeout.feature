@timeout @core
Feature: Timeout: a slow upstream is answered 504 UT by the proxy
  A VirtualService rule's `timeout` becomes the Envoy route timeout: when the pod has not answered
  in time, the proxy gives up and answers 504 "upstream request timeout" with flag UT. Without
  `timeout`, Istio disables Envoy's 15 s default. The echo pods can be asked to answer slowly.

  Background: the guide's service my-app, with pods of versions v1 and v2 and subsets v1, v2
    Given the fixture "guide/my-app-workloads.yaml"
    And the fixture "guide/my-app-dr.yaml"

  # Source: SEMANTICS.md 4.4 (route.go setTimeout -> route timeout; on expiry Envoy answers 504, body
  # "upstream request timeout", flag UT), [INF] there for the exact reply.
  @unverified
  Scenario: A pod slower than the route timeout gets 504 UT
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - timeout: 0.5s
          route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "/" to "my-app" and the pod takes 3000 ms to answer
    Then the proxy answers 504 with response flag "UT"
    And the response body is "upstream request timeout"
    And the answer took at least 500 ms

  # Source: SEMANTICS.md 4.4 (the timeout bounds the wait; a faster pod answers normally).
  Scenario: A pod faster than the route timeout answers normally
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - timeout: 5s
          route: [{destination: {host: my-app, subset: v2}}]
      """
    When a client sends GET "/" to "my-app" and the pod takes 200 ms to answer
    Then it is served by version "v2"
    And the answer took at least 200 ms

  # Source: SEMANTICS.md 4.4 ("Default: route timeout 0s = disabled").
  Scenario: Without a timeout a slow pod's answer still arrives
    Given the configuration:
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
    When a client sends GET "/" to "my-app" and the pod takes 1500 ms to answer
    Then it is served by version "v1"

  # Source: SEMANTICS.md 8.13 ("timeout: 0s rejected by CRD (>=1ms)").
  @validation
  Scenario Outline: A timeout that is not a positive duration is rejected
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - timeout: <timeout>
          route: [{destination: {host: my-app, subset: v1}}]
      """
    When the configuration is analyzed
    Then "VirtualService default/my-app" is rejected with "<message>"

    Examples:
      | timeout | message                   |
      | 0s      | must be at least 1ms      |
      | soon    | is not a duration         |
