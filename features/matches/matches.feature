@matches @core
Feature: Match conditions: what each field of a match compares, and against what
  A match entry ANDs its conditions. An exact or regex uri ignores the query string, and a regex must
  match the whole path; ignoreUriCase relaxes exact and prefix, never a regex. method, scheme and
  authority are case-sensitive conditions on the request method, the scheme and the raw Host, port
  included. A header condition "{}" only asks for presence; withoutHeaders inverts a condition and treats
  a missing header as empty. Query parameters are matched on the first value of a key, and keys are
  case-sensitive. A condition on the header "host" never matches: the Host is :authority. sourceLabels,
  sourceNamespace, gateways and port are not request conditions at all: they select client proxies when
  the configuration is generated, and a VirtualService left with no route falls back to the default route.

  Background: the guide's service my-app, with pods of versions v1 and v2 and subsets v1, v2
    Given the fixture "guide/my-app-workloads.yaml"
    And the fixture "guide/my-app-dr.yaml"

  # ---- uri regex ------------------------------------------------------------------------------------------

  # Source: SEMANTICS.md 1.5 (uri regex -> Envoy safe_regex on :path without the query; RouteMatch.safe_regex:
  # "the entire path (without the query string) must match the regex") and 1.6 (RE2, full match, case-sensitive).
  @uri-regex
  Scenario Outline: A uri regex must match the whole path, without its query string
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{uri: {regex: "/api/v[0-9]+"}}]
          route: [{destination: {host: my-app, subset: v2}}]
        - route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "<path>" to "my-app"
    Then it is served by version "<version>"

    Examples:
      | path            | version |
      | /api/v2         | v2      |
      | /api/v10        | v2      |
      | /api/v2?debug=1 | v2      |
      | /api/v2/users   | v1      |
      | /v1/api/v2      | v1      |
      | /API/v2         | v1      |

  # ---- ignoreUriCase --------------------------------------------------------------------------------------

  # Source: SEMANTICS.md 1.5 (ignoreUriCase -> Envoy RouteMatch case_sensitive: false on every generated route;
  # exact and prefix compare ignoring case); istio/istio#14266, PR #14304 (Istio 1.3+).
  @ignore-uri-case
  Scenario Outline: ignoreUriCase makes exact and prefix paths case-insensitive
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
          - uri: {exact: /Login}
            ignoreUriCase: true
          - uri: {prefix: /Static/}
            ignoreUriCase: true
          route: [{destination: {host: my-app, subset: v2}}]
        - route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "<path>" to "my-app"
    Then it is served by version "<version>"

    Examples:
      | path           | version |
      | /Login         | v2      |
      | /login         | v2      |
      | /LOGIN?next=/x | v2      |
      | /login/x       | v1      |
      | /static/app.js | v2      |
      | /STATIC/APP.JS | v2      |
      | /staticx       | v1      |

  # Source: SEMANTICS.md 1.5 (Envoy route_components.proto RouteMatch.case_sensitive: "Ignored for safe_regex
  # matching"; Istio doc: "case will be ignored only in the case of exact and prefix") and 8.1 (use "(?i)").
  @ignore-uri-case @uri-regex
  Scenario Outline: ignoreUriCase does not apply to a regex; "(?i)" does
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
          - uri: {regex: "<regex>"}
            ignoreUriCase: true
          route: [{destination: {host: my-app, subset: v2}}]
        - route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "<path>" to "my-app"
    Then it is served by version "<version>"

    Examples:
      | regex      | path   | version |
      | /Login     | /Login | v2      |
      | /Login     | /login | v1      |
      | /Login     | /LOGIN | v1      |
      | (?i)/login | /LOGIN | v2      |

  # ---- method ---------------------------------------------------------------------------------------------

  # Source: SEMANTICS.md 1.5 (method -> header matcher on :method; exact, case-sensitive) and 1.3 (no rule
  # matches and no catch-all: 404 NR). HEAD is not GET: a GET rule does not cover it.
  @method
  Scenario Outline: A method condition is matched against the request method exactly
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{method: {exact: GET}}]
          route: [{destination: {host: my-app, subset: v2}}]
        - match: [{method: {regex: "POST|PUT"}}]
          route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends <method> "/" to "my-app"
    Then the outcome is "<outcome>"

    Examples:
      | method | outcome |
      | GET    | v2      |
      | POST   | v1      |
      | PUT    | v1      |
      | HEAD   | 404 NR  |
      | DELETE | 404 NR  |

  # Source: SEMANTICS.md 1.5 ("method: header matcher :method (case-sensitive: get != GET)") and 1.6
  # (StringMatch: "exact and prefix matching is case-sensitive").
  @method
  Scenario: A method written in lower case never matches a GET
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{method: {exact: get}}]
          route: [{destination: {host: my-app, subset: v2}}]
        - route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "/" to "my-app"
    Then it is served by version "v1"

  # ---- scheme ---------------------------------------------------------------------------------------------

  # Source: SEMANTICS.md 1.5 (scheme -> header matcher on :scheme) and 1.6 (exact is case-sensitive). The
  # client talks plain HTTP to its sidecar, so :scheme is "http"; "https" would need the client to speak TLS.
  @scheme
  Scenario Outline: A scheme condition sees "http" for plain-text requests from the client
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{scheme: <scheme>}]
          route: [{destination: {host: my-app, subset: v2}}]
        - route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "/" to "my-app"
    Then it is served by version "<version>"

    Examples:
      | scheme            | version |
      | {exact: http}     | v2      |
      | {regex: "https?"} | v2      |
      | {exact: https}    | v1      |
      | {exact: HTTP}     | v1      |

  # ---- authority ------------------------------------------------------------------------------------------

  # Source: SEMANTICS.md 1.5 (authority -> header matcher on :authority, the raw Host value, case-sensitive;
  # istio/istio#56801) and 6.2 (every Host form below selects my-app's virtual host; only the condition differs).
  @authority
  Scenario Outline: An authority condition compares the Host exactly as the client wrote it
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{authority: <authority>}]
          route: [{destination: {host: my-app, subset: v2}}]
        - route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "/" to "<host>"
    Then it is served by version "<version>"

    Examples:
      | authority                      | host                             | version |
      | {exact: my-app}                | my-app                           | v2      |
      | {exact: my-app}                | my-app.default                   | v1      |
      | {exact: my-app}                | MY-APP                           | v1      |
      | {prefix: my-app.default}       | my-app.default.svc.cluster.local | v2      |
      | {regex: "my-app([.]default)?"} | my-app.default                   | v2      |
      | {regex: "my-app([.]default)?"} | my-app.default.svc               | v1      |

  # Source: SEMANTICS.md 1.5, authority row: the port stays in :authority ([INF]: Istio sets
  # ignore_port_in_host_matching, which only affects the choice of virtual host, and no strip_*_host_port).
  @authority @unverified
  Scenario Outline: The port in the Host is part of the authority an authority condition sees
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{authority: <authority>}]
          route: [{destination: {host: my-app, subset: v2}}]
        - route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "/" to "<host>"
    Then it is served by version "<version>"

    Examples:
      | authority                | host        | version |
      | {exact: my-app}          | my-app:80   | v1      |
      | {prefix: "my-app:"}      | my-app:80   | v2      |
      | {regex: "my-app:[0-9]+"} | my-app:8080 | v2      |

  # ---- headers: presence ----------------------------------------------------------------------------------

  # Source: SEMANTICS.md 1.7 ("myheader: {}" -> present_match: true; fixed in istio/istio PR #47704, Istio 1.21,
  # cherry-picked to 1.18-1.20 patch releases; before it "{}" generated no present_match) and 1.7 (names are
  # case-insensitive).
  @present-header @istio-1.21+
  Scenario Outline: A header condition "{}" matches any value, even empty, and only if the header is present
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{headers: {x-canary: {}}}]
          route: [{destination: {host: my-app, subset: v2}}]
        - route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "/" to "my-app" with headers:
      | <name> | <value> |
    Then it is served by version "<version>"

    Examples:
      | name       | value | version |
      | x-canary   | on    | v2      |
      | x-canary   |       | v2      |
      | X-Canary   | false | v2      |
      | x-canary-2 | on    | v1      |
      | x-other    | on    | v1      |

  # ---- withoutHeaders -------------------------------------------------------------------------------------

  # Source: SEMANTICS.md 1.7 withoutHeaders truth table (route.go TranslateRouteMatch: the header condition with
  # invert_match and treat_missing_header_as_empty): another value matches, the value itself does not.
  @without-headers
  Scenario Outline: withoutHeaders with a value excludes exactly the requests carrying that value
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{withoutHeaders: {x-env: {exact: bad}}}]
          route: [{destination: {host: my-app, subset: v2}}]
        - route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "/" to "my-app" with headers:
      | x-env | <value> |
    Then it is served by version "<version>"

    Examples:
      | value | version |
      | ok    | v2      |
      | BAD   | v2      |
      |       | v2      |
      | bad   | v1      |

  # Source: SEMANTICS.md 1.7 ("withoutHeaders: {x: {exact: "bad"}}: x absent -> match": the missing header is
  # treated as empty). Istio 1.22+: istio/istio#49537, fixed in 1.22.0 (before it, Istio did not set
  # treat_missing_header_as_empty and a request without the header never matched a withoutHeaders condition).
  @without-headers @istio-1.22+
  Scenario: withoutHeaders with a value matches a request that does not carry the header at all
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{withoutHeaders: {x-env: {exact: bad}}}]
          route: [{destination: {host: my-app, subset: v2}}]
        - route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "/" to "my-app" with headers:
      | x-other | bad |
    Then it is served by version "v2"

  # Source: SEMANTICS.md 1.7 ("withoutHeaders: {x: {}}: x absent -> match; x present (any value) -> no match";
  # route.go: an inverted present_match, without treat_missing_header_as_empty). "{}" became present_match
  # with istio/istio PR #47704 (Istio 1.21; 1.18-1.20 patch releases).
  @without-headers @istio-1.21+
  Scenario Outline: withoutHeaders "{}" matches only requests without the header
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{withoutHeaders: {x-debug: {}}}]
          route: [{destination: {host: my-app, subset: v2}}]
        - route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "/" to "my-app" with headers:
      | <name> | <value> |
    Then it is served by version "<version>"

    Examples:
      | name    | value | version |
      | x-other | 1     | v2      |
      | x-debug | 1     | v1      |
      | x-debug |       | v1      |

  # Source: SEMANTICS.md 1.7 (exact "" inverted: a present empty value equals "" and so does not match; any
  # other value matches).
  @without-headers
  Scenario Outline: withoutHeaders exact "" excludes a present, empty header
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{withoutHeaders: {x-token: {exact: ""}}}]
          route: [{destination: {host: my-app, subset: v2}}]
        - route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "/" to "my-app" with headers:
      | x-token | <value> |
    Then it is served by version "<version>"

    Examples:
      | value | version |
      | abc   | v2      |
      |       | v1      |

  # Source: SEMANTICS.md 1.7 ("withoutHeaders: {x: {exact: ""}}: x absent -> treated as "" -> equals "" ->
  # inverted -> no match" [INF from SRC]).
  @without-headers @istio-1.22+ @unverified
  Scenario: withoutHeaders exact "" also excludes a request without the header
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{withoutHeaders: {x-token: {exact: ""}}}]
          route: [{destination: {host: my-app, subset: v2}}]
        - route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "/" to "my-app"
    Then it is served by version "v1"

  # ---- queryParams ----------------------------------------------------------------------------------------

  # Source: SEMANTICS.md 1.8 (Envoy QueryParameterMatcher; route_components.proto: "In the event query
  # parameters are repeated, only the first value for each key will be considered"; keys are case-sensitive).
  @query-params
  Scenario Outline: An exact query parameter is matched on the first value of its key
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{queryParams: {v: {exact: "2"}}}]
          route: [{destination: {host: my-app, subset: v2}}]
        - route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "<path>" to "my-app"
    Then it is served by version "<version>"

    Examples:
      | path           | version |
      | /?v=2          | v2      |
      | /items?x=1&v=2 | v2      |
      | /?v=2&v=1      | v2      |
      | /?v=1&v=2      | v1      |
      | /?v=1          | v1      |
      | /?v=20         | v1      |
      | /?V=2          | v1      |
      | /v=2           | v1      |

  # Source: SEMANTICS.md 1.6 (the Istio queryParams doc example: regex "\d+$" matches 123 but not a123 or 123a)
  # and 1.8.
  @query-params
  Scenario Outline: A query parameter regex must match the whole value
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{queryParams: {id: {regex: "\\d+"}}}]
          route: [{destination: {host: my-app, subset: v2}}]
        - route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "<path>" to "my-app"
    Then it is served by version "<version>"

    Examples:
      | path      | version |
      | /?id=123  | v2      |
      | /?id=a123 | v1      |
      | /?id=123a | v1      |
      | /?id=     | v1      |

  # Source: SEMANTICS.md 1.5 (queryParams "{}" -> present_match: true; route.go translateQueryParamMatch uses
  # canBeConvertedToPresentMatch, which treats "{}" as present since istio/istio PR #47704, Istio 1.21) and 1.8.
  @query-params @istio-1.21+
  Scenario Outline: A query parameter "{}" matches any value of a key that is present
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [{queryParams: {debug: {}}}]
          route: [{destination: {host: my-app, subset: v2}}]
        - route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "<path>" to "my-app"
    Then it is served by version "<version>"

    Examples:
      | path           | version |
      | /?debug=1      | v2      |
      | /?debug=       | v2      |
      | /?a=b&debug=no | v2      |
      | /?debugx=1     | v1      |
      | /?DEBUG=1      | v1      |
      | /              | v1      |

  # ---- the "host" header key ------------------------------------------------------------------------------

  # Source: SEMANTICS.md 1.7 ("host/Host as a header key never matches - Envoy represents Host as :authority",
  # Envoy HeaderMatcher doc note); istio/istio#23083. Use authority (SEMANTICS.md 1.5) instead.
  @host-header-key
  Scenario Outline: A header condition on "host" never matches; authority does
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - match: [<match>]
          route: [{destination: {host: my-app, subset: v2}}]
        - route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "/" to "my-app"
    Then it is served by version "<version>"
    And every one of 20 more such requests is served by version "<version>"

    Examples:
      | match                              | version |
      | {headers: {host: {exact: my-app}}} | v1      |
      | {headers: {host: {prefix: my}}}    | v1      |
      | {headers: {host: {}}}              | v1      |
      | {authority: {exact: my-app}}       | v2      |

  # ---- config-time selectors: properties of the client proxy ----------------------------------------------

  # Source: SEMANTICS.md 1.5 (sourceLabels, sourceNamespace, gateways, port are config-time: route.go
  # sourceMatchHTTP, TranslateRoute) and 1.3 (a VirtualService that yields zero routes for this proxy and port
  # contributes no virtual host: the service keeps its default route, all of its pods, NOT 404); 9 ("model
  # config-time selectors as properties of the client proxy"). The suite's client proxy runs in namespace
  # default with the labels app=meshroute-client, and its listener is the service port, 80.
  @source-selectors
  Scenario Outline: sourceLabels, sourceNamespace, gateways and port select the client proxy, not the request
    Given the fixture "matches/stable-service.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: stable
      spec:
        hosts: [stable]
        http:
        - match: [<match>]
          route: [{destination: {host: my-app, subset: v2}}]
      """
    When a client sends GET "/" to "stable"
    Then it is served by version "<version>"

    Examples: v2 when the match selects this client; v1 (stable's default route) when the VirtualService yields no route
      | match                                                 | version |
      | {sourceLabels: {app: meshroute-client}}               | v2      |
      | {sourceLabels: {app: other-client}}                   | v1      |
      | {sourceLabels: {app: meshroute-client, version: v9}}  | v1      |
      | {sourceNamespace: default}                            | v2      |
      | {sourceNamespace: other}                              | v1      |
      | {gateways: [mesh]}                                    | v2      |
      | {gateways: [istio-system/my-gateway]}                 | v1      |
      | {port: 80}                                            | v2      |
      | {port: 8080}                                          | v1      |
      | {uri: {prefix: /}, sourceLabels: {app: other-client}} | v1      |

  # Source: SEMANTICS.md 1.5 (gateways in a match: "if set, sourceLabels/sourceNamespace of that match are not
  # evaluated at all", route.go sourceMatchHTTP: if len(match.Gateways) > 0 {...} else if ...).
  @source-selectors
  Scenario: A match that names the mesh gateway ignores its own sourceLabels and sourceNamespace
    Given the fixture "matches/stable-service.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: stable
      spec:
        hosts: [stable]
        http:
        - match:
          - gateways: [mesh]
            sourceLabels: {app: other-client}
            sourceNamespace: other
          route: [{destination: {host: my-app, subset: v2}}]
      """
    When a client sends GET "/" to "stable"
    Then it is served by version "v2"

  # Source: SEMANTICS.md 1.3 (the fall-back is only for a VirtualService with ZERO routes for this proxy; one
  # route left is enough for "no match -> 404 NR", Envoy router.cc) and 1.5 (sourceLabels is config-time).
  @source-selectors
  Scenario Outline: A VirtualService with one route left for this client has no fall-back: the rest is 404 NR
    Given the fixture "matches/stable-service.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: stable
      spec:
        hosts: [stable]
        http:
        - match: [{sourceLabels: {app: other-client}}]
          route: [{destination: {host: my-app, subset: v2}}]
        - match: [{uri: {prefix: /api}}]
          route: [{destination: {host: my-app, subset: v2}}]
      """
    When a client sends GET "<path>" to "stable"
    Then the outcome is "<outcome>"

    Examples:
      | path   | outcome |
      | /api/x | v2      |
      | /other | 404 NR  |
