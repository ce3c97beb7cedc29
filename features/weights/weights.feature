@weights @core
Feature: Weighted destinations: a probability that converges
  Weights are relative: a destination receives weight / sum(weights) of the requests, chosen at
  random per request. Every verdict here is an exact binomial acceptance region (Bonferroni over
  the destinations when there are three or more) with a false-failure rate of at most 1e-6 and a
  sample size that detects a 5-point deviation with probability 0.999; it is never retried. Weight 0
  and a single destination are exact: zero requests, all requests.

  # Source: the routing guide (90/10 between v1 and v2); SEMANTICS.md 2.2-2.3 (weighted_clusters;
  # Envoy WeightedClusterSpecifier: independent random choice per request).
  Scenario: The guide's 90/10 split converges to 90/10
    Given the fixture "guide"
    Then requests GET "/" to "my-app" are split by outcome:
      | v1 | 90 |
      | v2 | 10 |

  # Source: SEMANTICS.md 2.1-2.3 (weights are relative since Istio 1.15, PR #39544; Envoy sums the weights).
  Scenario: A three-way split converges to each destination's share
    Given the fixture "three-versions"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - route:
          - {destination: {host: my-app, subset: v1}, weight: 30}
          - {destination: {host: my-app, subset: v2}, weight: 30}
          - {destination: {host: my-app, subset: v3}, weight: 40}
      """
    Then requests GET "/" to "my-app" are split by outcome:
      | v1 | 30 |
      | v2 | 30 |
      | v3 | 40 |

  # Source: SEMANTICS.md 2.1 (no sum-to-100 rule since Istio 1.15, istio/istio#36069, PR #39544).
  @istio-1.15+
  Scenario: Weights that do not sum to 100 are relative shares
    Given the fixture "guide/my-app-workloads.yaml"
    And the fixture "guide/my-app-dr.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - route:
          - {destination: {host: my-app, subset: v1}, weight: 1}
          - {destination: {host: my-app, subset: v2}, weight: 3}
      """
    Then requests GET "/" to "my-app" are split by outcome:
      | v1 | 1 |
      | v2 | 3 |

  # Source: SEMANTICS.md 2.1-2.2 (API doc: "if weight is 0, the destination will not receive any traffic";
  # route.go drops weight-0 entries from weighted_clusters).
  Scenario: A destination with weight 0 receives nothing
    Given the fixture "guide/my-app-workloads.yaml"
    And the fixture "guide/my-app-dr.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - route:
          - {destination: {host: my-app, subset: v1}, weight: 100}
          - {destination: {host: my-app, subset: v2}, weight: 0}
      """
    Then requests GET "/" to "my-app" are split by outcome:
      | v1 | 100 |
      | v2 | 0   |

  # Source: SEMANTICS.md 2.2 ("If there is only one destination in a rule, it will receive all traffic";
  # route.go applyHTTPRouteDestination ignores the weight of a single destination).
  Scenario Outline: A single destination receives everything, whatever its weight
    Given the fixture "guide/my-app-workloads.yaml"
    And the fixture "guide/my-app-dr.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - route:
          - {destination: {host: my-app, subset: v2}, weight: <weight>}
      """
    Then requests GET "/" to "my-app" are split by outcome:
      | v2 | 1 |

    Examples:
      | weight |
      | 5      |
      | 0      |

  # Source: SEMANTICS.md 2.3 (Envoy weighted_cluster_specifier.cc: selected = random_value % total_weight;
  # clusters occupy consecutive intervals in list order); the random value is injected as Envoy's
  # router_check_tool random_value does (weighted_clusters.header_name on targets that allow it).
  @deterministic-weights
  Scenario Outline: Each random value falls in exactly one destination's interval, in list order
    Given the fixture "three-versions"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - route:
          - {destination: {host: my-app, subset: v1}, weight: 30}
          - {destination: {host: my-app, subset: v2}, weight: 30}
          - {destination: {host: my-app, subset: v3}, weight: 40}
      """
    When a client sends GET "/" to "my-app" with random value <random value>
    Then it is served by version "<version>"

    Examples: 30/30/40 occupy [0,30), [30,60), [60,100) of random % 100
      | random value | version |
      | 115          | v1      |
      | 445          | v2      |
      | 560          | v3      |
      | 0            | v1      |
      | 29           | v1      |
      | 30           | v2      |
      | 59           | v2      |
      | 60           | v3      |
      | 99           | v3      |
      | 100          | v1      |

  # Source: SEMANTICS.md 2.2-2.3 (weight-0 entries are dropped, so the intervals are those of the others).
  @deterministic-weights
  Scenario Outline: A weight-0 destination owns no interval
    Given the fixture "three-versions"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - route:
          - {destination: {host: my-app, subset: v1}, weight: 1}
          - {destination: {host: my-app, subset: v2}, weight: 0}
          - {destination: {host: my-app, subset: v3}, weight: 1}
      """
    When a client sends GET "/" to "my-app" with random value <random value>
    Then it is served by version "<version>"

    Examples: weights 1/0/1 occupy [0,1) and [1,2) of random % 2
      | random value | version |
      | 0            | v1      |
      | 1            | v3      |
      | 2            | v1      |
      | 7            | v3      |

  # Source: SEMANTICS.md 2.1 (validation.go validateWeight: "weight %d < 0").
  @validation
  Scenario: A negative weight rejects the VirtualService
    Given the fixture "guide/my-app-workloads.yaml"
    And the fixture "guide/my-app-dr.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - route:
          - {destination: {host: my-app, subset: v1}, weight: -1}
          - {destination: {host: my-app, subset: v2}, weight: 101}
      """
    When the configuration is analyzed
    Then "VirtualService default/my-app" is rejected with "weight -1 < 0"

  # Source: SEMANTICS.md 2.1 (validation.go validateHTTPRouteDestinations: "total destination weight = 0").
  @validation
  Scenario: Several destinations whose weights are all 0 reject the VirtualService
    Given the fixture "guide/my-app-workloads.yaml"
    And the fixture "guide/my-app-dr.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - route:
          - {destination: {host: my-app, subset: v1}, weight: 0}
          - {destination: {host: my-app, subset: v2}}
      """
    When the configuration is analyzed
    Then "VirtualService default/my-app" is rejected with "total destination weight = 0"
