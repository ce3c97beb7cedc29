@redirect @core
Feature: Redirect: the proxy answers with a 3xx and a location, and forwards nothing
  A rule with `redirect` instead of `route` is answered by the sidecar itself: the status is the
  redirectCode (301 when omitted), and the location is the request's URL with the parts the redirect
  names replaced: uri replaces the whole path, authority the host, scheme and port theirs.

  Background: the guide's service my-app, with pods of versions v1 and v2 and subsets v1, v2
    Given the fixture "guide/my-app-workloads.yaml"
    And the fixture "guide/my-app-dr.yaml"

  # Source: SEMANTICS.md 4.1 (route.go ApplyRedirect: uri -> path_redirect, authority -> host_redirect;
  # the example from Istio's HTTPRedirect documentation).
  Scenario: A redirect replaces the path and the host, with 301 by default
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{uri: {exact: /v1/getProductRatings}}]
          redirect:
            uri: /v1/bookRatings
            authority: newratings.default.svc.cluster.local
        - route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "/v1/getProductRatings" to "my-app"
    Then the proxy answers 301 with location "http://newratings.default.svc.cluster.local/v1/bookRatings"

  # Source: SEMANTICS.md 4.1 (redirectCode 301, 302, 303, 307, 308 -> Envoy RedirectResponseCode).
  Scenario Outline: The redirect code is the one the rule names
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - redirect: {uri: /moved, redirectCode: <code>}
      """
    When a client sends GET "/old" to "my-app"
    Then the proxy answers <code> with location "http://my-app/moved"

    Examples:
      | code |
      | 301  |
      | 302  |
      | 303  |
      | 307  |
      | 308  |

  # Source: SEMANTICS.md 4.1 ("original query string kept unless the new uri contains ?", Envoy
  # RedirectAction.path_redirect doc), marked [INF] there for the query.
  @unverified
  Scenario Outline: A redirected path keeps the request's query unless the new uri brings its own
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{uri: {prefix: /a}}]
          redirect: {uri: /moved}
        - match: [{uri: {prefix: /b}}]
          redirect: {uri: "/moved?from=b"}
      """
    When a client sends GET "<path>" to "my-app"
    Then the proxy answers 301 with location "<location>"

    Examples:
      | path       | location                         |
      | /a?x=1     | http://my-app/moved?x=1          |
      | /a         | http://my-app/moved              |
      | /b?x=1     | http://my-app/moved?from=b       |

  # Source: SEMANTICS.md 4.1 ("Empty uri with only authority -> path kept", [INF] from Envoy's newUri).
  @unverified
  Scenario: A redirect that names only the authority keeps the path and the query
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - redirect: {authority: www.example.com}
      """
    When a client sends GET "/shop/cart?id=7" to "my-app"
    Then the proxy answers 301 with location "http://www.example.com/shop/cart?id=7"

  # Source: SEMANTICS.md 4.1 (scheme -> scheme_redirect, port -> port_redirect; Envoy RedirectAction).
  Scenario Outline: A redirect can change the scheme and the port
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - redirect: <redirect>
      """
    When a client sends GET "/x" to "my-app"
    Then the proxy answers 301 with location "<location>"

    Examples:
      | redirect                        | location               |
      | {scheme: https}                 | https://my-app/x       |
      | {port: 8443}                    | http://my-app:8443/x   |
      | {scheme: https, port: 8443}     | https://my-app:8443/x  |

  # Source: SEMANTICS.md 4 (validateHTTPRouteConflict: "exactly one of route / redirect / directResponse").
  @validation
  Scenario: A rule with both a route and a redirect is rejected
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - redirect: {uri: /moved}
          route: [{destination: {host: my-app, subset: v1}}]
      """
    When the configuration is analyzed
    Then "VirtualService default/my-app" is rejected with "cannot contain both route and redirect"

  # Source: SEMANTICS.md 4.1 (validateHTTPRedirect: "%d is not a valid redirect code, must be 3xx").
  @validation
  Scenario: A redirect code outside 3xx is rejected
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - redirect: {uri: /moved, redirectCode: 200}
      """
    When the configuration is analyzed
    Then "VirtualService default/my-app" is rejected with "200 is not a valid redirect code, must be 3xx"

  # Source: SEMANTICS.md 1.1 (the redirect is one rule among the ordered rules; the others still route).
  Scenario: Requests the redirect rule does not match still reach the pods
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{uri: {prefix: /legacy}}]
          redirect: {uri: /modern}
        - route: [{destination: {host: my-app, subset: v2}}]
      """
    When a client sends GET "/modern" to "my-app"
    Then it is served by version "v2"
