@fault @core
Feature: Fault injection: aborts and delays the proxy makes up
  `fault.abort` answers a share of requests with the given status itself (body "fault filter abort",
  flag FI), before any pod is contacted; `fault.delay` holds a share of requests before forwarding
  them. A fault without `percentage` applies to no request at all.

  Background: the guide's service my-app, with pods of versions v1 and v2 and subsets v1, v2
    Given the fixture "guide/my-app-workloads.yaml"
    And the fixture "guide/my-app-dr.yaml"

  # Source: SEMANTICS.md 4.6 (TranslateFault; Envoy fault filter before the router; the abort reply and
  # flag FI are [INF] there).
  @unverified
  Scenario: An abort for 100% of requests is answered by the proxy with its status
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - fault:
            abort: {httpStatus: 418, percentage: {value: 100}}
          route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "/" to "my-app"
    Then the proxy answers 418 with response flag "FI"
    And the response body is "fault filter abort"

  # Source: SEMANTICS.md 4.6 and 8.13 ("Percentage omitted => 0% => no fault": Envoy's FaultAbort percentage
  # defaults to 0; Istio's doc "If left unspecified, no request will be aborted").
  Scenario: An abort without a percentage aborts nothing
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - fault:
            abort: {httpStatus: 418}
          route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "/" to "my-app"
    Then it is served by version "v1"
    And every one of 100 more such requests is served by version "v1"

  # Source: SEMANTICS.md 4.6 (percentage.value -> FractionalPercent per million; each request independently).
  # Judged like a weighted split, by the same exact binomial check.
  Scenario: An abort for 30% of requests fails about 30% of them
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - fault:
            abort: {httpStatus: 503, percentage: {value: 30}}
          route: [{destination: {host: my-app, subset: v2}}]
      """
    Then requests GET "/" to "my-app" are split by outcome:
      | v2     | 70 |
      | 503 FI | 30 |

  # Source: SEMANTICS.md 4.6 (delay {fixedDelay, percentage 100}: the request is held, then forwarded).
  Scenario: A delay for 100% of requests holds each one, then the pod answers
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - fault:
            delay: {fixedDelay: 1s, percentage: {value: 100}}
          route: [{destination: {host: my-app, subset: v2}}]
      """
    When a client sends GET "/" to "my-app"
    Then it is served by version "v2"
    And the answer took at least 1000 ms

  # Source: SEMANTICS.md 4.6 (validateHTTPFaultInjection: abort and/or delay required; httpStatus range).
  @validation
  Scenario Outline: Invalid faults are rejected
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - fault: <fault>
          route: [{destination: {host: my-app, subset: v1}}]
      """
    When the configuration is analyzed
    Then "VirtualService default/my-app" is rejected with "<message>"

    Examples:
      | fault                                                   | message                                       |
      | {}                                                      | must have an abort and/or a delay             |
      | {abort: {httpStatus: 700, percentage: {value: 10}}}     | invalid http status 700                       |
      | {abort: {httpStatus: 500, percentage: {value: 150}}}    | percentage 150.0 is not in range 0..100       |
