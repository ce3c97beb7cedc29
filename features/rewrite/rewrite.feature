@rewrite @core
Feature: Rewrite: what the pod receives after the proxy rewrites the request
  `rewrite.uri` replaces the part of the path the rule matched (the prefix for a prefix match, the
  whole path for an exact or regex match); the query string is kept. `uriRegexRewrite` substitutes
  in the path with RE2 group references. `rewrite.authority` replaces the Host. The echo pods report
  the path and Host they received.

  Background: the guide's service my-app, with pods of versions v1 and v2 and subsets v1, v2
    Given the fixture "guide/my-app-workloads.yaml"
    And the fixture "guide/my-app-dr.yaml"

  # Source: SEMANTICS.md 4.3 (route.go: uri -> prefix_rewrite; Envoy finalizePathHeader replaces the matched
  # prefix and keeps the query string; the example from Istio's HTTPRewrite documentation).
  Scenario: A prefix rewrite replaces the matched prefix and keeps the rest and the query
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{uri: {prefix: /ratings}}]
          rewrite: {uri: /v1/bookRatings}
          route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "/ratings/5?x=1" to "my-app"
    Then it is served by version "v1"
    And the pod receives path "/v1/bookRatings/5?x=1"

  # Source: SEMANTICS.md 4.3 and 8.3 (the slash gotchas: istio/istio#26828; a catch-all prefix "/" rewritten
  # to "/v1" glues the rest on without a slash).
  Scenario Outline: A prefix rewrite is string surgery, so slashes can double or vanish
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{uri: {prefix: <prefix>}}]
          rewrite: {uri: <rewrite>}
          route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "<path>" to "my-app"
    Then the pod receives path "<received>"

    Examples:
      | prefix   | rewrite | path             | received       |
      | /common  | /       | /common/api      | //api          |
      | /common/ | /       | /common/api      | /api           |
      | /        | /v1     | /foo             | /v1foo         |
      | /        | /v1/    | /foo             | /v1/foo        |

  # Source: SEMANTICS.md 4.3 ("exact match: whole path"; the query is kept).
  Scenario: A rewrite after an exact match replaces the whole path and keeps the query
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{uri: {exact: /old/page}}]
          rewrite: {uri: /new}
          route: [{destination: {host: my-app, subset: v2}}]
      """
    When a client sends GET "/old/page?lang=en" to "my-app"
    Then the pod receives path "/new?lang=en"

  # Source: SEMANTICS.md 4.3 (uriRegexRewrite -> Envoy regex_rewrite, RE2 with \1 references, over the path
  # without its query; Istio 1.19+; the example from Istio's RegexRewrite documentation).
  @istio-1.19+
  Scenario: A regex rewrite reorders the path with group references
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{uri: {prefix: /service}}]
          rewrite:
            uriRegexRewrite:
              match: ^/service/([^/]+)(/.*)$
              rewrite: /customprefix\2/\1
          route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "/service/update/v1/api?debug=1" to "my-app"
    Then the pod receives path "/customprefix/v1/api/update?debug=1"

  # Source: SEMANTICS.md 4.3 (authority -> host_rewrite_literal).
  Scenario: An authority rewrite changes the Host the pod receives
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - rewrite: {authority: internal.my-app.example}
          route: [{destination: {host: my-app, subset: v2}}]
      """
    When a client sends GET "/x" to "my-app"
    Then it is served by version "v2"
    And the pod receives host "internal.my-app.example"
    And the pod receives path "/x"

  # Source: SEMANTICS.md 4.3 (routes without rewrite forward the path as sent).
  Scenario: Without a rewrite the pod receives the path and Host as sent
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
    When a client sends GET "/a/b?c=d" to "my-app.default"
    Then the pod receives path "/a/b?c=d"
    And the pod receives host "my-app.default"

  # Source: SEMANTICS.md 4.3 (validation: "not both uri and uriRegexRewrite"; "rewrite cannot be empty", #8076).
  @validation
  Scenario Outline: Invalid rewrites are rejected
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - rewrite: <rewrite>
          route: [{destination: {host: my-app, subset: v1}}]
      """
    When the configuration is analyzed
    Then "VirtualService default/my-app" is rejected with "<message>"

    Examples:
      | rewrite                                                   | message                                         |
      | {}                                                        | rewrite must specify URI, authority, or uriRegexRewrite |
      | {uri: /a, uriRegexRewrite: {match: "^/b", rewrite: /c}}   | rewrite may only contain one of URI or uriRegexRewrite |
      | {uriRegexRewrite: {match: "(?=x)", rewrite: /c}}          | is not a valid RE2 regex                        |

  # Source: SEMANTICS.md 4 (validateHTTPRouteConflict: redirect cannot combine with rewrite).
  @validation
  Scenario: A rewrite with a redirect is rejected
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - redirect: {uri: /x}
          rewrite: {uri: /y}
      """
    When the configuration is analyzed
    Then "VirtualService default/my-app" is rejected with "cannot contain both rewrite and redirect"
