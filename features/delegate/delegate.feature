@delegate @extended
Feature: Delegate: a root VirtualService hands part of its rules to other teams' VirtualServices
  A VirtualService without hosts is a delegate: it routes nothing by itself. A rule of a root
  VirtualService with `delegate {name, namespace}` is replaced, in place, by the delegate's rules in
  their order. Each delegate rule keeps its own conditions and inherits the root rule's where it sets
  none; a rule without match inherits the root rule's matches; route-level fields (timeout, rewrite,
  headers, ...) come from the root rule only where the delegate rule leaves them unset. A delegate rule
  whose match cannot narrow the root's (another prefix, a regex) is dropped. A delegate that does not
  exist, or is not exported to the root's namespace, drops only the root rule naming it.

  Background: Service my-app with pods of versions v1, v2 and v3, and subsets v1, v2, v3
    Given the fixture "three-versions/my-app.yaml"

  # Source: SEMANTICS.md 4.10 (its example; virtualservice_controller.go mergeVirtualServices, virtualservice.go
  # MergeHTTPRoutes/mergeHTTPMatchRequests). The delegate rule without match inherits the root's prefix.
  Scenario Outline: Two teams own the rules under their prefixes
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{uri: {prefix: /productpage}}]
          delegate: {name: productpage, namespace: team-a}
        - match: [{uri: {prefix: /reviews}}]
          delegate: {name: reviews, namespace: team-b}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: productpage
        namespace: team-a
      spec:
        http:
        - match: [{uri: {prefix: /productpage/v1/}}]
          route: [{destination: {host: my-app.default.svc.cluster.local, subset: v1}}]
        - route: [{destination: {host: my-app.default.svc.cluster.local, subset: v2}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: reviews
        namespace: team-b
      spec:
        http:
        - route: [{destination: {host: my-app.default.svc.cluster.local, subset: v3}}]
      """
    When a client sends GET "<path>" to "my-app"
    Then the outcome is "<outcome>"

    Examples:
      | path              | outcome |
      | /productpage/v1/x | v1      |
      | /productpage/x    | v2      |
      | /productpage      | v2      |
      | /reviews/1        | v3      |
      | /other            | 404 NR  |

  # Source: SEMANTICS.md 4.10 ("The root rule is replaced in place by the delegate's rules (delegate order
  # kept); other root rules keep their positions").
  Scenario Outline: The delegate's rules take the delegating rule's place, between the root's other rules
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{uri: {exact: /api/special}}]
          route: [{destination: {host: my-app, subset: v3}}]
        - match: [{uri: {prefix: /api}}]
          delegate: {name: api}
        - route: [{destination: {host: my-app, subset: v1}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: api
      spec:
        http:
        - route: [{destination: {host: my-app, subset: v2}}]
      """
    When a client sends GET "<path>" to "my-app"
    Then it is served by version "<version>"

    Examples:
      | path         | version |
      | /api/special | v3      |
      | /api/users   | v2      |
      | /home        | v1      |

  # Source: SEMANTICS.md 4.10 (names become root-delegate; mergeHTTPRoute); the delegate's conflicting rule is
  # not sent at all. The routes the proxy holds show the order.
  @route-inspection
  Scenario: The proxy holds the delegate's rules in place, each named after the root rule and its own name
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - name: login
          match: [{uri: {exact: /login}}]
          route: [{destination: {host: my-app, subset: v3}}]
        - name: pp
          match: [{uri: {prefix: /productpage}}]
          delegate: {name: productpage}
        - name: rest
          route: [{destination: {host: my-app, subset: v1}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: productpage
      spec:
        http:
        - name: v1
          match: [{uri: {prefix: /productpage/v1}}]
          route: [{destination: {host: my-app, subset: v1}}]
        - name: elsewhere
          match: [{uri: {prefix: /other}}]
          route: [{destination: {host: my-app, subset: v3}}]
        - name: default
          route: [{destination: {host: my-app, subset: v2}}]
      """
    Then the proxy holds the routes "login, pp-v1, pp-default, rest" for "my-app"

  # Source: SEMANTICS.md 4.10 ("Each delegate match must be a subset of at least one root match ... Conflict
  # (e.g. root prefix /a vs delegate prefix /b; any regex on both sides of the same property) -> that delegate
  # rule is dropped"; virtualservice.go hasConflict/stringMatchConflict: a regex on either side conflicts).
  Scenario Outline: A delegate rule whose match does not fit under the root's is dropped; its siblings still apply
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{uri: {prefix: /productpage}}]
          delegate: {name: productpage, namespace: team-a}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: productpage
        namespace: team-a
      spec:
        http:
        - match: [{uri: {prefix: /other}}]
          route: [{destination: {host: my-app.default.svc.cluster.local, subset: v3}}]
        - match: [{uri: {regex: "/productpage/v[0-9]+"}}]
          route: [{destination: {host: my-app.default.svc.cluster.local, subset: v3}}]
        - match: [{uri: {prefix: /productpage/v1}}]
          route: [{destination: {host: my-app.default.svc.cluster.local, subset: v1}}]
        - route: [{destination: {host: my-app.default.svc.cluster.local, subset: v2}}]
      """
    When a client sends GET "<path>" to "my-app"
    Then the outcome is "<outcome>"

    Examples:
      | path            | outcome |
      | /other          | 404 NR  |
      | /productpage/v1 | v1      |
      | /productpage/v7 | v2      |

  # Source: SEMANTICS.md 4.10 ("merged match = delegate fields, missing ones inherited from root ...; headers
  # ... maps merged"; virtualservice.go mergeHTTPMatchRequest).
  Scenario Outline: A delegate's match keeps the root's conditions and adds its own
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
          - uri: {prefix: /productpage}
            headers: {x-env: {exact: prod}}
          delegate: {name: productpage}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: productpage
      spec:
        http:
        - match:
          - uri: {prefix: /productpage/v1}
            headers: {x-user: {exact: jason}}
          route: [{destination: {host: my-app, subset: v3}}]
        - route: [{destination: {host: my-app, subset: v2}}]
      """
    When a client sends GET "<path>" to "my-app" with headers:
      | x-env  | <x-env>  |
      | x-user | <x-user> |
    Then the outcome is "<outcome>"

    Examples:
      | path              | x-env | x-user | outcome |
      | /productpage/v1/a | prod  | jason  | v3      |
      | /productpage/v1/a | prod  | bob    | v2      |
      | /productpage/v1/a | dev   | jason  | 404 NR  |
      | /productpage/x    | prod  | jason  | v2      |
      | /other            | prod  | jason  | 404 NR  |

  # Source: SEMANTICS.md 4.10 ("Delegate not found, or not exported to the root's namespace -> that root rule is
  # skipped (other rules still work)"; virtualservice_controller.go: "delegate virtual service ... not found").
  Scenario Outline: A delegate that does not exist drops only the rule naming it
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
          delegate: {name: no-such-delegate}
        - match: [{uri: {prefix: /b}}]
          delegate: {name: team-b}
        - route: [{destination: {host: my-app, subset: v1}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: team-b
      spec:
        http:
        - route: [{destination: {host: my-app, subset: v2}}]
      """
    When a client sends GET "<path>" to "my-app"
    Then it is served by version "<version>"

    Examples:
      | path | version |
      | /a/x | v1      |
      | /b/x | v2      |

  # Source: SEMANTICS.md 4.10 (not exported to the root's namespace -> the root rule is skipped;
  # virtualservice_controller.go: exportTo "." is the delegate's own namespace, none means every namespace).
  Scenario Outline: A delegate must be exported to the root's namespace
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
          delegate: {name: api, namespace: team-a}
        - route: [{destination: {host: my-app, subset: v1}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: api
        namespace: team-a
      spec:
        exportTo: <exportTo>
        http:
        - route: [{destination: {host: my-app.default.svc.cluster.local, subset: v2}}]
      """
    When a client sends GET "/api/users" to "my-app"
    Then it is served by version "<version>"

    Examples:
      | exportTo     | version |
      | ["."]        | v1      |
      | [team-b]     | v1      |
      | [default]    | v2      |
      | ["*"]        | v2      |

  # Source: SEMANTICS.md 4.10 ("Delegate not found ... -> that root rule is skipped") and 1.3 (a VirtualService
  # that yields no route leaves the service its default route: route.go buildSidecarVirtualHostsForVirtualService).
  # [INF] the combination of the two has not been run on real Istio.
  @unverified
  Scenario: A root left with no rule at all leaves the service its default route
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - delegate: {name: no-such-delegate}
      """
    When a client sends GET "/anything" to "my-app"
    Then it is served by one of the versions "v1, v2, v3"

  # Source: SEMANTICS.md 4.10 and 3.6 (istiod resolves each VirtualService's short names in its own namespace:
  # virtualservice_controller.go delegateVirtualServices -> ResolveVirtualServiceShortnames).
  Scenario: A short destination host in a delegate means the service of the delegate's namespace
    Given the fixture "delegate/reviews-in-two-namespaces.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{uri: {prefix: /reviews}}]
          delegate: {name: reviews, namespace: team-a}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: reviews
        namespace: team-a
      spec:
        http:
        - route: [{destination: {host: reviews}}]
      """
    When a client sends GET "/reviews/1" to "my-app"
    Then it is served by version "reviews-team-a"

  # Source: SEMANTICS.md 4.10 ("Route-level fields ... are taken from the root only if the delegate leaves them
  # nil (no deep merge; delegate headers replaces root headers)"; virtualservice.go mergeHTTPRoute).
  @headers
  Scenario Outline: The root rule's headers apply to delegate rules that set none, and only to them
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
          headers:
            request:
              set: {x-root: "yes"}
          delegate: {name: api}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: api
      spec:
        http:
        - match: [{uri: {prefix: /api/own}}]
          headers:
            request:
              set: {x-delegate: "yes"}
          route: [{destination: {host: my-app, subset: v2}}]
        - route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "<path>" to "my-app"
    Then it is served by version "<version>"
    And the pod receives header "<present>" with "yes"
    And the pod receives no header "<absent>"

    Examples:
      | path     | version | present    | absent     |
      | /api/x   | v1      | x-root     | x-delegate |
      | /api/own | v2      | x-delegate | x-root     |

  # Source: SEMANTICS.md 4.10 (route-level rewrite inherited when the delegate leaves it nil) and 4.3 (prefix
  # rewrite replaces the matched prefix).
  @rewrite
  Scenario Outline: The root rule's rewrite applies to delegate rules without one
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{uri: {prefix: /shop/}}]
          rewrite: {uri: /}
          delegate: {name: shop}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: shop
      spec:
        http:
        - match: [{uri: {prefix: /shop/v2/}}]
          rewrite: {uri: /v2/}
          route: [{destination: {host: my-app, subset: v2}}]
        - route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "<path>" to "my-app"
    Then it is served by version "<version>"
    And the pod receives path "<received>"

    Examples:
      | path           | version | received  |
      | /shop/cart     | v1      | /cart     |
      | /shop/v2/cart  | v2      | /v2/cart  |

  # Source: SEMANTICS.md 4.10 (route-level timeout inherited when the delegate leaves it nil) and 4.4 (504 UT).
  @timeout
  Scenario: The root rule's timeout applies to a delegate rule without one
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{uri: {prefix: /slow}}]
          timeout: 300ms
          delegate: {name: slow}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: slow
      spec:
        http:
        - route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "/slow/report" to "my-app" and the pod takes 1500 ms to answer
    Then the proxy answers 504 with response flag "UT"

  # Source: SEMANTICS.md 4.10 ("Root rule with delegate ... may not have route/redirect"; validation
  # virtualservice.go validateHTTPRouteConflict: "root HTTP route %s must not specify route|redirect").
  @validation
  Scenario Outline: A rule that delegates may not route or redirect by itself
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
          delegate: {name: api}
          <action>
      """
    When the configuration is analyzed
    Then "VirtualService default/my-app" is rejected with "<message>"

    Examples:
      | action                                          | message                                   |
      | route: [{destination: {host: my-app}}]          | root HTTP route must not specify route    |
      | redirect: {uri: /elsewhere}                     | root HTTP route must not specify redirect |

  # Source: SEMANTICS.md 4.10 ("Only one level (a delegate rule can't contain delegate)"; validation
  # virtualservice.go validateHTTPRouteConflict: "delegate HTTP route cannot contain delegate").
  @validation
  Scenario: A delegate's rule cannot delegate again
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: api
      spec:
        http:
        - match: [{uri: {prefix: /api/v2}}]
          delegate: {name: api-v2}
      """
    When the configuration is analyzed
    Then "VirtualService default/api" is rejected with "delegate HTTP route cannot contain delegate"

  # Source: SEMANTICS.md 4.10 ("Delegate VS = VS with no hosts (must have no gateways ...)"; validation.go
  # ValidateVirtualService: "delegate virtual service must have no gateways specified"). Rejected, the delegate
  # is as good as missing: the root rule naming it is skipped and the root's other rules still route.
  @validation
  Scenario: A delegate bound to gateways is rejected, and the root rule naming it is skipped
    Given the configuration, which the mesh must reject in part:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: api
      spec:
        gateways: [mesh]
        http:
        - route: [{destination: {host: my-app, subset: v2}}]
      """
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{uri: {prefix: /api}}]
          delegate: {name: api}
        - route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "/api/users" to "my-app"
    Then it is served by version "v1"
    And "VirtualService default/api" is rejected with "delegate virtual service must have no gateways specified"
