@rule-order @core
Feature: Rule order: the first matching rule wins
  A VirtualService's http rules are an ordered list. The first rule whose match matches the request
  is used; nothing is "most specific". Each entry of a rule's match list is its own Envoy route
  (OR), and the conditions inside one entry are ANDed. A rule without match catches everything and
  ends the list: later rules are never generated.

  Background: the guide's service my-app, with pods of versions v1 and v2 and subsets v1, v2
    Given the fixture "guide/my-app-workloads.yaml"
    And the fixture "guide/my-app-dr.yaml"

  # Source: SEMANTICS.md 1.1 (virtual_service.proto VirtualService.http "The first rule matching ... is used";
  # Envoy route_components.proto VirtualHost.routes); istio/istio#16134.
  Scenario: The first matching rule wins, not the longest prefix
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - name: api
          match: [{uri: {prefix: /api}}]
          route: [{destination: {host: my-app, subset: v1}}]
        - name: api-v2
          match: [{uri: {prefix: /api/v2}}]
          route: [{destination: {host: my-app, subset: v2}}]
      """
    When a client sends GET "/api/v2/users" to "my-app"
    Then it is served by version "v1"

  # Source: SEMANTICS.md 1.1. The same two rules in the other order: order, not the rule's content, decides.
  Scenario Outline: A specific rule placed first takes its requests; the general rule takes the rest
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{uri: {prefix: /api/v2}}]
          route: [{destination: {host: my-app, subset: v2}}]
        - match: [{uri: {prefix: /api}}]
          route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "<path>" to "my-app"
    Then it is served by version "<version>"

    Examples:
      | path         | version |
      | /api/v2/x    | v2      |
      | /api/v1/x    | v1      |
      | /api         | v1      |

  # Source: SEMANTICS.md 1.1 (route.go BuildHTTPRoutesForVirtualService stops at a rule without match;
  # istioctl warns IST0130 "route without matches defined before").
  Scenario: A rule after a catch-all rule is never used
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
        - match: [{uri: {exact: /special}}]
          route: [{destination: {host: my-app, subset: v2}}]
      """
    When a client sends GET "/special" to "my-app"
    Then it is served by version "v1"
    And every one of 50 more such requests is served by version "v1"

  # Source: SEMANTICS.md 1.1 (route.go BuildHTTPRoutesForVirtualService: generation stops after a rule without
  # match, and after a match entry that is a catch-all, so later rules never even reach the proxy). No request
  # can tell (they could never match), so this looks at the routes the proxy was sent.
  @route-inspection
  Scenario Outline: Nothing after a catch-all is sent to the proxy
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - name: first
          match: [{uri: {exact: /a}}]
          route: [{destination: {host: my-app, subset: v2}}]
        - name: catch-all
          <catch-all>
          route: [{destination: {host: my-app, subset: v1}}]
        - name: special
          match: [{uri: {exact: /special}}]
          route: [{destination: {host: my-app, subset: v2}}]
      """
    Then the proxy holds the routes "<routes>" for "my-app"

    Examples:
      | catch-all                                                      | routes                   |
      |                                                                | first, catch-all         |
      | match: [{uri: {prefix: /}}, {headers: {x-a: {exact: "1"}}}]    | first, catch-all         |
      | match: [{uri: {regex: ".*"}}]                                  | first, catch-all         |
      | match: [{uri: {prefix: /}, headers: {x-a: {exact: "1"}}}]      | first, catch-all, special |

  # Source: SEMANTICS.md 1.1 (IsCatchAllRoute: only a "/" prefix WITHOUT header or query conditions is a
  # catch-all; method, authority and scheme are header conditions too).
  Scenario Outline: A "/" prefix with a header condition is not a catch-all; later rules still apply
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match:
          - uri: {prefix: /}
            headers: {x-a: {exact: "1"}}
          route: [{destination: {host: my-app, subset: v2}}]
        - route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "<path>" to "my-app" with headers:
      | x-a | <x-a> |
    Then it is served by version "<version>"

    Examples:
      | path | x-a | version |
      | /    | 1   | v2      |
      | /zzz | 1   | v2      |
      | /zzz | 2   | v1      |

  # Source: SEMANTICS.md 1.3 (Envoy router.cc decodeHeaders: no route -> 404, flag NR; a service with a
  # VirtualService has no fall-back to its default route).
  Scenario: A request that matches no rule, with no catch-all, gets 404 NR from the proxy
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{uri: {prefix: /api}}]
          route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "/other" to "my-app"
    Then the proxy answers 404 with response flag "NR"

  # Source: SEMANTICS.md 1.2 (HTTPRoute.match: "All conditions inside a single match block have AND
  # semantics, while the list of match blocks have OR semantics"; Envoy matchRoute ANDs path and headers).
  Scenario Outline: Match entries are ORed; the conditions inside one entry are ANDed
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match:
          - uri: {prefix: /a}
            headers: {x-user: {exact: jason}}
          - uri: {prefix: /b}
          route: [{destination: {host: my-app, subset: v2}}]
        - route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "<path>" to "my-app" with headers:
      | x-user | <x-user> |
    Then it is served by version "<version>"

    Examples: the first entry needs both its path and its header; the second only its path
      | path | x-user | version |
      | /a   | jason  | v2      |
      | /a   | bob    | v1      |
      | /c   | jason  | v1      |
      | /b   | bob    | v2      |

  # Source: SEMANTICS.md 1.5 (uri prefix is Envoy's plain string prefix, not segment-aware; istio/istio#60488).
  Scenario: A URI prefix is a string prefix, not a path segment
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{uri: {prefix: /foo}}]
          route: [{destination: {host: my-app, subset: v2}}]
        - route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "/foobar" to "my-app"
    Then it is served by version "v2"

  # Source: SEMANTICS.md 1.5 (Envoy RouteMatch.path: "must exactly match the :path header once the query
  # string is removed").
  @http-query
  Scenario Outline: An exact URI match ignores the query string but nothing else
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{uri: {exact: /foo}}]
          route: [{destination: {host: my-app, subset: v2}}]
        - route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "<path>" to "my-app"
    Then it is served by version "<version>"

    Examples:
      | path       | version |
      | /foo       | v2      |
      | /foo?x=1   | v2      |
      | /foo/      | v1      |
      | /foox      | v1      |
