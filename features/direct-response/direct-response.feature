@direct-response @core
Feature: Direct response: the proxy answers with a fixed status and body
  A rule with `directResponse` is answered by the sidecar itself, with the status and body the rule
  gives; no pod is contacted.

  Background: the guide's service my-app, with pods of versions v1 and v2 and subsets v1, v2
    Given the fixture "guide/my-app-workloads.yaml"
    And the fixture "guide/my-app-dr.yaml"

  # Source: SEMANTICS.md 4.2 (route.go ApplyDirectResponse: status, body string -> inline_string; the example
  # from Istio's HTTPDirectResponse documentation).
  Scenario: A direct response answers with its status and body
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{uri: {prefix: /broken}}]
          directResponse:
            status: 503
            body: {string: "unknown error"}
        - route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "/broken/page" to "my-app"
    Then the proxy answers 503 with body "unknown error"

  # Source: SEMANTICS.md 4.2 (any status 200-599; the body is optional).
  Scenario Outline: Any status from 200 to 599, with or without a body
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - directResponse: <directResponse>
      """
    When a client sends GET "/" to "my-app"
    Then the proxy answers <status> with body "<body>"

    Examples:
      | directResponse                         | status | body    |
      | {status: 200, body: {string: "ok"}}    | 200    | ok      |
      | {status: 204}                          | 204    |         |
      | {status: 418, body: {string: "tea"}}   | 418    | tea     |
      | {status: 599}                          | 599    |         |

  # Source: SEMANTICS.md 1.1 and 4.2 (one rule among the ordered rules).
  Scenario: Requests the direct-response rule does not match still reach the pods
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{headers: {x-maintenance: {exact: "on"}}}]
          directResponse: {status: 503, body: {string: "down for maintenance"}}
        - route: [{destination: {host: my-app, subset: v2}}]
      """
    When a client sends GET "/" to "my-app" with headers:
      | x-maintenance | off |
    Then it is served by version "v2"

  # Source: SEMANTICS.md 4.2 (validateHTTPDirectResponse: status outside 200-599 is an error).
  @validation
  Scenario Outline: A status outside 200-599 is rejected
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - directResponse: {status: <status>}
      """
    When the configuration is analyzed
    Then "VirtualService default/my-app" is rejected with "<status> is not a valid HTTP status"

    Examples:
      | status |
      | 100    |
      | 199    |
      | 600    |

  # Source: SEMANTICS.md 4 (validateHTTPRouteConflict).
  @validation
  Scenario: A rule with both a route and a direct response is rejected
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - directResponse: {status: 200}
          route: [{destination: {host: my-app, subset: v1}}]
      """
    When the configuration is analyzed
    Then "VirtualService default/my-app" is rejected with "cannot contain both route and direct_response"
