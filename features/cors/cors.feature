@cors @core
Feature: CORS: the proxy answers preflights from allowed origins itself
  A rule's `corsPolicy` becomes Envoy's CORS filter for its route. A preflight (OPTIONS with Origin and
  Access-Control-Request-Method) from an allowed origin is answered by the proxy; other requests from
  an allowed origin reach the pod and get `access-control-allow-origin` on the way back. Origins are
  string matches: exact, prefix or an RE2 regex over the whole value.

  Background: the guide's service my-app, with pods of versions v1 and v2 and subsets v1, v2
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
        - corsPolicy:
            allowOrigins:
            - exact: https://app.example.com
            - regex: "https://[a-z]+\\.partner\\.example"
            allowMethods: [GET, POST]
            allowHeaders: [x-user]
            exposeHeaders: [x-echo-pod]
            maxAge: 24h
            allowCredentials: true
          route: [{destination: {host: my-app, subset: v1}}]
      """

  # Source: SEMANTICS.md 4.9 (TranslateCORSPolicy; "valid preflight with allowed origin is answered by Envoy
  # ... without reaching upstream" is [INF] there).
  @unverified
  Scenario: A preflight from an allowed origin is answered by the proxy
    When a client sends OPTIONS "/orders" to "my-app" with headers:
      | origin                        | https://app.example.com |
      | access-control-request-method | POST                    |
    Then the proxy answers 200 with body ""
    And the response carries header "access-control-allow-origin" with "https://app.example.com"
    And the response carries header "access-control-allow-methods" with "GET,POST"
    And the response carries header "access-control-allow-headers" with "x-user"
    And the response carries header "access-control-max-age" with "86400"
    And the response carries header "access-control-allow-credentials" with "true"

  # Source: SEMANTICS.md 4.9 (unmatchedPreflights default FORWARD, forward_not_matching_preflights: true,
  # Istio 1.23+), [INF] for the behaviour.
  @unverified @istio-1.23+
  Scenario: A preflight from another origin is forwarded to the pod
    When a client sends OPTIONS "/orders" to "my-app" with headers:
      | origin                        | https://evil.example |
      | access-control-request-method | POST                 |
    Then it is served by version "v1"
    And the response has no header "access-control-allow-origin"

  # Source: SEMANTICS.md 4.9 ("simple requests get access-control-allow-origin echoed on the upstream
  # response", [INF]).
  @unverified
  Scenario Outline: A request from an allowed origin reaches the pod and is told so
    When a client sends GET "/orders" to "my-app" with headers:
      | origin | <origin> |
    Then it is served by version "v1"
    And the response carries header "access-control-allow-origin" with "<origin>"
    And the response carries header "access-control-expose-headers" with "x-echo-pod"

    Examples:
      | origin                          |
      | https://app.example.com         |
      | https://shop.partner.example    |

  # Source: SEMANTICS.md 4.9 and 1.6 (allowOrigins are StringMatch: exact is exact, regex is a full RE2 match).
  Scenario Outline: A request from an origin that is not allowed gets no CORS headers
    When a client sends GET "/orders" to "my-app" with headers:
      | origin | <origin> |
    Then it is served by version "v1"
    And the response has no header "access-control-allow-origin"

    Examples:
      | origin                                 |
      | https://app.example.com.evil           |
      | https://shop.partner.example.evil      |
      | http://app.example.com                 |

  # Source: SEMANTICS.md 4.9 ("maxAge seconds only (sub-second rejected)").
  @validation
  Scenario: A max age that is not whole seconds is rejected
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: other
      spec:
        hosts: [other]
        http:
        - corsPolicy:
            allowOrigins: [{exact: https://app.example.com}]
            maxAge: 0.5s
          route: [{destination: {host: other}}]
      """
    When the configuration is analyzed
    Then "VirtualService default/other" is rejected with "only whole seconds are allowed"
