@analysis
Feature: Analysis predicts broken routing before any request is sent
  istioctl analyze reads configuration that Istio accepts and says where traffic will not go as the
  operator meant: a destination that must name one port of a multi-port service (IST0112), a rule that can
  never be reached (IST0130), a match that an earlier rule already takes (IST0131), and a DestinationRule
  whose host is no service (IST0174). The messages carry Istio's codes, levels and texts.

  # Source: SEMANTICS.md 3.3; istio/istio pkg/config/analysis/analyzers/virtualservice/destinationhosts.go
  # (checkServiceEntryPorts: no destination.port and more than one service port -> IST0112, Error, with the host
  # as written and the ports as Go prints an int slice) and pkg/config/analysis/msg/messages.yaml for the text.
  @core
  Scenario: A destination without a port on a two-port service is IST0112, at its line
    Given the fixture "analysis/services.yaml"
    And the fixture "analysis/port-selector-vs.yaml"
    When the configuration is analyzed
    Then analysis reports IST0112 on "VirtualService default/my-app" saying "This VirtualService routes to a service \"my-app\" that exposes multiple ports [80 8080]. Specifying a port in the destination is required to disambiguate."
    And analysis reports IST0112 in file "fixtures/analysis/port-selector-vs.yaml" at line 12

  # Source: destinationhosts.go checkServiceEntryPorts (a stated port that the service has is fine; a single-port
  # service needs no port; a stated port it lacks is IST0101 "host:port", not IST0112).
  @core
  Scenario Outline: No IST0112 when the port is stated or the service has one port
    Given the fixture "analysis/services.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: routes
      spec:
        hosts: [my-app, ratings]
        http:
        - route: [{destination: <destination>}]
      """
    When the configuration is analyzed
    Then analysis reports no IST0112

    Examples:
      | destination                            |
      | {host: my-app, port: {number: 8080}}   |
      | {host: my-app, port: {number: 80}}     |
      | {host: ratings}                        |

  # Source: destinationhosts.go checkServiceEntryPorts ("host:port" ReferencedResourceNotFound); messages.yaml.
  @core
  Scenario: A destination port the service does not expose is IST0101 host:port
    Given the fixture "analysis/services.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: ratings
      spec:
        hosts: [ratings]
        http:
        - route: [{destination: {host: ratings, port: {number: 9080}}}]
      """
    When the configuration is analyzed
    Then analysis reports IST0101 on "VirtualService default/ratings" saying "Referenced host:port not found: \"ratings:9080\""

  # Source: SEMANTICS.md 3.3 and 1.1 (first match wins); istio/istio pkg/config/validation/virtualservice.go
  # analyzeUnreachableHTTPRules (identical match, name ignored -> IST0131 Info; a rule all of whose matches are
  # taken -> IST0130 Warning "all matches used by prior rules"; a rule after a rule without matches -> IST0130
  # "route without matches defined before", once per match); routeName: a rule's quoted name, else #index.
  @core
  Scenario: A rule repeating an earlier match, and a rule after the catch-all, are reported with their lines
    Given the fixture "analysis/services.yaml"
    And the fixture "analysis/unreachable-rules-vs.yaml"
    When the configuration is analyzed
    Then analysis reports IST0131 on "VirtualService default/ratings" saying "VirtualService rule #1 match #0 is not used (duplicate/overlapping match in rule \"jason\")."
    And analysis reports IST0130 on "VirtualService default/ratings" saying "VirtualService rule #1 not used (all matches used by prior rules)."
    And analysis reports IST0130 on "VirtualService default/ratings" saying "VirtualService rule #3 not used (route without matches defined before)."
    And analysis reports IST0131 in file "fixtures/analysis/unreachable-rules-vs.yaml" at line 19
    And analysis reports IST0130 in file "fixtures/analysis/unreachable-rules-vs.yaml" at line 26

  # Source: virtualservice.go analyzeUnreachableHTTPRules ("only the last rule can have no matches").
  @core
  Scenario: A second rule without matches is IST0130
    Given the fixture "analysis/services.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: ratings
      spec:
        hosts: [ratings]
        http:
        - route: [{destination: {host: ratings}}]
        - name: fallback
          route: [{destination: {host: ratings}}]
      """
    When the configuration is analyzed
    Then analysis reports IST0130 on "VirtualService default/ratings" saying "VirtualService rule \"fallback\" not used (only the last rule can have no matches)."

  # Source: virtualservice.go genMatchHTTPRoutes / coveredValidation (uri prefix matches only: an earlier prefix
  # that is a string prefix of a later one, with the same port, method (none = GET), authority, headers, query
  # parameters and withoutHeaders, makes the later match IST0131; SEMANTICS.md 8.2, prefixes are not
  # segment-aware, so /debug also takes /debugs). The rule itself is not reported unreachable.
  @extended
  Scenario: A longer prefix after a shorter one is IST0131, and only that
    Given the fixture "analysis/services.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: ratings
      spec:
        hosts: [ratings]
        http:
        - match: [{uri: {prefix: /debug}}]
          route: [{destination: {host: ratings}}]
        - match: [{uri: {prefix: /debugs}}]
          route: [{destination: {host: ratings}}]
      """
    When the configuration is analyzed
    Then analysis reports IST0131 on "VirtualService default/ratings" saying "VirtualService rule #1 match #0 of prefix /debugs is not used (duplicate/overlapping match in rule #0 of prefix /debug on #0)."
    And analysis reports no IST0130

  # Source: virtualservice.go analyzeUnreachableHTTPRules / coveredValidation: matches that differ in any field
  # (exact vs prefix, another method, another header, ignoreUriCase), a longer prefix first, and one catch-all
  # rule last are all reachable as far as Istio's check goes.
  @core
  Scenario Outline: Reachable rules are not reported
    Given the fixture "analysis/services.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: ratings
      spec:
        hosts: [ratings]
        http:
        - match: [<first>]
          route: [{destination: {host: ratings}}]
        - match: [<second>]
          route: [{destination: {host: ratings}}]
        - route: [{destination: {host: ratings}}]
      """
    When the configuration is analyzed
    Then analysis reports no IST0130
    And analysis reports no IST0131

    Examples:
      | first                                            | second                                              |
      | {uri: {exact: /a}}                               | {uri: {prefix: /a}}                                 |
      | {uri: {exact: /a}}                               | {uri: {exact: /a}, ignoreUriCase: true}             |
      | {uri: {prefix: /debugs}}                         | {uri: {prefix: /debug}}                             |
      | {uri: {prefix: /debug}}                          | {uri: {prefix: /debug/x}, method: {exact: POST}}    |
      | {uri: {prefix: /debug}}                          | {uri: {prefix: /debug/x}, headers: {x: {exact: y}}} |
      | {headers: {end-user: {exact: jason}}}            | {headers: {end-user: {exact: mary}}}                |

  # Source: SEMANTICS.md 3.3 and 3.6; istio/istio pkg/config/analysis/analyzers/destinationrule/subset.go
  # (util.GetDestinationHost finds no service -> UnknownDestinationRuleHost, Warning, host as written; Istio 1.27+,
  # with IST0173) and istio.io docs/reference/config/analysis/ist0174 for the text.
  @core @istio-1.27+
  Scenario: A DestinationRule for a host that is no service is IST0174
    Given the fixture "analysis/services.yaml"
    And the fixture "analysis/unknown-host-dr.yaml"
    When the configuration is analyzed
    Then analysis reports IST0174 on "DestinationRule default/reviews" saying "The host reveiws defined in the DestinationRule does not match any services in the mesh."
    And analysis reports IST0174 in file "fixtures/analysis/unknown-host-dr.yaml" at line 2

  # Source: SEMANTICS.md 3.6 (a host with a dot is taken verbatim: my-app.default names no service) and
  # subset.go / util.ConvertHostToFQDN (a short name resolves in the DestinationRule's namespace; only Services
  # are known here, so a wildcard host matches none of their hostnames).
  @core @istio-1.27+
  Scenario Outline: A DestinationRule host that resolves to no service is IST0174
    Given the fixture "analysis/services.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: my-app
        namespace: <namespace>
      spec:
        host: "<host>"
      """
    When the configuration is analyzed
    Then analysis reports IST0174 on "DestinationRule <namespace>/my-app" saying "The host <host> defined in the DestinationRule does not match any services in the mesh."

    Examples:
      | namespace | host                        |
      | default   | my-app.default              |
      | other     | my-app                      |
      | default   | *.default.svc.cluster.local |

  # Source: subset.go (GetDestinationHost finds the service: no IST0174) and SEMANTICS.md 3.6.
  @core @istio-1.27+
  Scenario Outline: A DestinationRule host that names a service is not IST0174
    Given the fixture "analysis/services.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: my-app
        namespace: <namespace>
      spec:
        host: <host>
      """
    When the configuration is analyzed
    Then analysis reports no IST0174

    Examples:
      | namespace | host                             |
      | default   | my-app                           |
      | other     | my-app.default.svc.cluster.local |
      | default   | ratings.default.svc.cluster.local |
