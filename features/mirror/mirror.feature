@mirror @core
Feature: Mirroring: a copy of the traffic to another destination, whose answers nobody sees
  `mirror` (with `mirrorPercentage`) or `mirrors` (each with its own `percentage`) make the proxy send a
  fire-and-forget copy of each request to another destination; the client only ever gets the answer of the
  route's own destination. No percentage means every request; an explicit 0 means none.

  Background: the guide's service my-app, with pods of versions v1 and v2 and subsets v1, v2
    Given the fixture "guide/my-app-workloads.yaml"
    And the fixture "guide/my-app-dr.yaml"

  # Source: SEMANTICS.md 4.7 (route.go MirrorPercent: absent percentage -> 100%; Envoy request_mirror_policies
  # are fire-and-forget, the mirror's response is ignored).
  Scenario: Every request is mirrored, and the client sees only the primary's answer
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
          mirror: {host: my-app, subset: v2}
      """
    When a client sends 20 tagged requests GET "/" to "my-app"
    Then every one of them is served by version "v1"
    And the "my-app" pods of version "v2" receive a copy of each of them

  # Source: SEMANTICS.md 4.7 (the mirror's response is ignored): a mirror that answers 500 changes nothing.
  Scenario: A failing mirror does not change the client's answer
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
          mirror: {host: my-app, subset: v2}
      """
    When a client sends GET "/" to "my-app" with headers:
      | x-echo-status      | 500         |
      | x-echo-faulty-pods | my-app-v2-0 |
    Then it is served by version "v1"

  # Source: SEMANTICS.md 4.7 (mirrors[] since 1.19, each with its own percentage).
  @istio-1.19
  Scenario: mirrors sends a copy to each destination in the list
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - route: [{destination: {host: my-app, subset: v2}}]
          mirrors:
          - destination: {host: my-app, subset: v1}
      """
    When a client sends 20 tagged requests GET "/" to "my-app"
    Then every one of them is served by version "v2"
    And the "my-app" pods of version "v1" receive a copy of each of them

  # Source: SEMANTICS.md 4.7 (route.go MirrorPercent: "If zero percent is provided explicitly, we should not
  # mirror").
  Scenario Outline: An explicit mirror percentage of 0 mirrors nothing (<field>)
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - {route: [{destination: {host: my-app, subset: v1}}], <mirror>}
      """
    When a client sends 20 tagged requests GET "/" to "my-app"
    Then every one of them is served by version "v1"
    And the "my-app" pods of version "v2" receive no copy of them

    Examples:
      | field            | mirror                                                                              |
      | mirrorPercentage | mirror: {host: my-app, subset: v2}, mirrorPercentage: {value: 0}                    |
      | mirrors          | mirrors: [{destination: {host: my-app, subset: v2}, percentage: {value: 0}}]         |

  # Source: SEMANTICS.md 4.7 (mirrorPercentage -> runtime_fraction per million, drawn per request). Judged like a
  # weighted split, by the same exact binomial check.
  Scenario: mirrorPercentage 30 mirrors about 30% of requests
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
          mirror: {host: my-app, subset: v2}
          mirrorPercentage: {value: 30}
      """
    Then about 30% of requests GET "/" to "my-app" are mirrored to the "my-app" pods of version "v2"

  # Source: SEMANTICS.md 3.1 ("Mirror to missing cluster: no mirror happens; primary unaffected" [INF]; Envoy:
  # "Shadowing will not be triggered if the primary cluster does not exist").
  @unverified
  Scenario: A mirror to an undefined subset mirrors nothing and the route still works
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
          mirror: {host: my-app, subset: v3}
      """
    When a client sends 20 tagged requests GET "/" to "my-app"
    Then every one of them is served by version "v1"
    And the "my-app" pods of version "v2" receive no copy of them

  # Source: SEMANTICS.md 3.3 (IST0101 "also mirror+subset in destinationrule", "mirror host"); Istio
  # pkg/config/analysis/analyzers/virtualservice/destinationrules.go and destinationhosts.go.
  @analysis
  Scenario: Analysis reports a mirror to an undefined subset or an unknown host
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
          route: [{destination: {host: my-app, subset: v1}}]
          mirror: {host: my-app, subset: v3}
        - route: [{destination: {host: my-app, subset: v1}}]
          mirrors: [{destination: {host: shadow}}]
      """
    When the configuration is analyzed
    Then analysis reports IST0101 on "VirtualService default/my-app" saying "Referenced mirror+subset in destinationrule not found: \"my-app+v3\""
    And analysis reports IST0101 on "VirtualService default/my-app" saying "Referenced mirror host not found: \"shadow\""

  # Source: SEMANTICS.md 4.7 (Istio 1.28+ sets disable_shadow_host_suffix_append: DISABLE_SHADOW_HOST_SUFFIX
  # defaults to true, PR #57708); before 1.28 Envoy appended "-shadow" to the Host.
  @istio-1.28
  Scenario: The mirrored copy keeps the request's Host
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
          mirror: {host: my-app, subset: v2}
      """
    When a client sends 5 tagged requests GET "/" to "my-app"
    Then the copies received by "my-app" pods of version "v2" have host "my-app"

  # Source: Istio pkg/config/validation/virtualservice.go (validateHTTPRoute, validateHTTPMirrors,
  # validateHTTPRouteConflict "HTTP route cannot contain both mirror and mirrors").
  @validation
  Scenario Outline: A mirror Istio's validation refuses is rejected
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - {route: [{destination: {host: my-app, subset: v1}}], <mirror>}
      """
    When the configuration is analyzed
    Then "VirtualService default/my-app" is rejected with "<message>"

    Examples:
      | mirror                                                                                      | message                                          |
      | mirror: {host: my-app}, mirrorPercentage: {value: 101}                                     | mirror percentage must have a max value of 100   |
      | mirror: {host: my-app}, mirrorPercentage: {value: -1}                                      | mirror percentage must have a min value of 0     |
      | mirror: {host: my-app}, mirrors: [{destination: {host: my-app}}]                           | cannot contain both mirror and mirrors           |
      | mirrors: [{percentage: {value: 10}}]                                                       | destination is required for mirrors             |
      | mirrors: [{destination: {host: my-app}, percentage: {value: 150}}]                         | mirror percentage must have a max value of 100   |
      | mirror: {host: "my_app"}                                                                   | is not a valid host name                         |
