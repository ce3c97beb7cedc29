# Not a conformance feature (kept out of features/): the run that RunReportTest reports on. One scenario passes,
# one fails on purpose (so its diagnosis can be checked), one is skipped for a capability the test's target does
# not declare, one is a weighted split.
@matches @core
Feature: The run's reports describe what each scenario applied, sent, expected and observed

  # Source: SEMANTICS.md 1.4 (a rule without match is a catch-all).
  Scenario: A request routed to v1 is served by v1
    Given the fixture "three-versions/my-app.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: my-app}
      spec:
        hosts: [my-app]
        http:
        - name: all-to-v1
          route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "/" to "my-app"
    Then it is served by version "v1"

  # Source: none; deliberately wrong: every request goes to v1, the scenario expects v2.
  Scenario: Deliberately failing, a request routed to v1 is expected at v2
    Given the fixture "three-versions/my-app.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: my-app}
      spec:
        hosts: [my-app]
        http:
        - name: all-to-v1
          route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "/api/orders" to "my-app" with headers:
      | x-user | jason |
    Then it is served by version "v2"

  # Source: SEMANTICS.md 4.6 (fault); the test's target does not declare fault.
  @fault
  Scenario: Skipped for a capability the target lacks
    Given the fixture "three-versions/my-app.yaml"
    When a client sends GET "/" to "my-app"
    Then it is served by version "v1"

  # Source: SEMANTICS.md 2.2-2.3 (weights).
  @weights
  Scenario: An even split between v1 and v2
    Given the fixture "three-versions/my-app.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: my-app}
      spec:
        hosts: [my-app]
        http:
        - name: half-and-half
          route:
          - {destination: {host: my-app, subset: v1}, weight: 50}
          - {destination: {host: my-app, subset: v2}, weight: 50}
      """
    Then requests GET "/" to "my-app" are split by outcome:
      | v1 | 50 |
      | v2 | 50 |
