@retries @core
Feature: Retries: what the proxy tries again, how often, and where
  Istio gives every route a retry policy. Without `retries`, the default retries twice, on another pod, only
  when no answer came back (connect-failure, refused-stream, and gRPC's unavailable and cancelled): a pod that
  answers 503 is not retried. `retries.attempts` is the number of retries after the first try; `retryOn`
  lists Envoy retry conditions and HTTP status codes; `perTryTimeout` bounds each try. The proxy numbers its
  tries in `x-envoy-attempt-count`, which Istio asks Envoy to send, so a pod's answer shows which try it was.

  Pods here misbehave on request: `x-echo-status` makes a pod answer that status, `x-echo-reset` makes it
  drop the connection, `x-echo-delay-ms` makes it slow, limited to the first tries by
  `x-echo-faulty-attempts` or to some pods by `x-echo-faulty-pods`.

  Background: the guide's service my-app, with pods my-app-v1-0, my-app-v1-1 (v1) and my-app-v2-0 (v2)
    Given the fixture "guide/my-app-workloads.yaml"
    And the fixture "guide/my-app-dr.yaml"

  # Source: SEMANTICS.md 4.5 and 8.13 ("default retries do not retry 503 responses"); Istio
  # pilot/pkg/networking/core/route/retry/retry.go (defaultRetryOn lists retriable-status-codes with no codes).
  Scenario: Without retries, a pod's 503 goes back to the client after one try
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
    When a client sends GET "/" to "my-app" with headers:
      | x-echo-status | 503 |
    Then a pod of version "v1" answers 503 on attempt 1

  # Source: SEMANTICS.md 4.5 (default policy: connect-failure, num_retries 2, previous_hosts predicate,
  # host_selection_retry_max_attempts 5); retry.go DefaultPolicy. One pod of four refuses connections; a try
  # that reaches it is retried on another pod, so no client sees the failure.
  Scenario: Without retries, a pod that refuses connections is retried on another pod
    Given the fixture "retries/flaky-with-a-dead-pod.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: flaky
      spec:
        hosts: [flaky]
        http:
        - route: [{destination: {host: flaky, subset: v1}}]
      """
    When a client sends GET "/" to "flaky"
    Then it is served by version "v1"
    And every one of 100 more such requests is served by version "v1"

  # Source: SEMANTICS.md 4.5 (BuildDefaultHTTPOutboundRoute: a service without a VirtualService gets the same
  # default policy).
  Scenario: A service without a VirtualService gets the default retries too
    Given the fixture "retries/flaky-with-a-dead-pod.yaml"
    When a client sends GET "/" to "flaky"
    Then it is served by version "v1"
    And every one of 100 more such requests is served by version "v1"

  # Source: SEMANTICS.md 4.5 ("attempts: 0 -> no retry policy at all"); retry.go ConvertPolicy. Every try that
  # picks the dead pod fails: about one in four (the flags UF for a refused connection are [INF]). One request at a
  # time: with requests in flight together, least request (Istio's default LB; Envoy's power of two choices)
  # favours the dead pod, whose requests fail at once (seen: about 28% instead of 25%).
  @unverified @weights
  Scenario: attempts 0 switches retries off, so the dead pod's share of requests fails
    Given the fixture "retries/flaky-with-a-dead-pod.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: flaky
      spec:
        hosts: [flaky]
        http:
        - route: [{destination: {host: flaky, subset: v1}}]
          retries: {attempts: 0}
      """
    Then requests GET "/" to "flaky", one at a time, are split by outcome:
      | v1     | 3 |
      | 503 UF | 1 |

  # Source: SEMANTICS.md 4.5 (status codes in retryOn become retriable_status_codes; total tries = 1 + attempts).
  Scenario: retryOn "503" retries a pod's 503 until it answers
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
          retries: {attempts: 3, retryOn: "503"}
      """
    When a client sends GET "/" to "my-app" with headers:
      | x-echo-status           | 503 |
      | x-echo-faulty-attempts  | 2   |
    Then a pod of version "v1" answers 200 on attempt 3

  # Source: SEMANTICS.md 4.5 ("Total upstream attempts = 1 + attempts"; API doc HTTPRetry.attempts).
  Scenario: Retries that never succeed give the client the last answer, after 1 + attempts tries
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
          retries: {attempts: 2, retryOn: 5xx}
      """
    When a client sends GET "/" to "my-app" with headers:
      | x-echo-status | 500 |
    Then a pod of version "v1" answers 500 on attempt 3

  # Source: retry.go ConvertPolicy (retryOn empty -> the default conditions, which name no status code).
  Scenario: attempts without retryOn keeps the default conditions, so a 503 is still not retried
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
          retries: {attempts: 3}
      """
    When a client sends GET "/" to "my-app" with headers:
      | x-echo-status | 503 |
    Then a pod of version "v1" answers 503 on attempt 1

  # Source: Envoy router filter docs, x-envoy-retry-on: gateway-error is 502, 503, 504; 5xx is any 5xx;
  # retriable-4xx is 409; listed codes only with retriable-status-codes (SEMANTICS.md 4.5).
  Scenario Outline: Which answers a retry condition retries
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
          retries: {attempts: 1, retryOn: "<retryOn>"}
      """
    When a client sends GET "/" to "my-app" with headers:
      | x-echo-status          | <status> |
      | x-echo-faulty-attempts | 1        |
    Then a pod of version "v1" answers <answer> on attempt <attempt>

    Examples:
      | retryOn                    | status | answer | attempt |
      | gateway-error              | 502    | 200    | 2       |
      | gateway-error              | 504    | 200    | 2       |
      | gateway-error              | 500    | 500    | 1       |
      | 5xx                        | 501    | 200    | 2       |
      | 5xx                        | 429    | 429    | 1       |
      | retriable-4xx              | 409    | 200    | 2       |
      | retriable-4xx              | 404    | 404    | 1       |
      | 503,504                    | 504    | 200    | 2       |
      | 503,504                    | 502    | 502    | 1       |
      | connect-failure,429        | 429    | 200    | 2       |
      | connect-failure            | 503    | 503    | 1       |

  # Source: Envoy router filter docs ("reset: ... the upstream server does not respond at all"); the default
  # conditions do not include it (SEMANTICS.md 4.5). The 503 UC reply for a dropped connection is [INF].
  @unverified
  Scenario: A pod that drops the connection is not retried by default
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
    When a client sends GET "/" to "my-app" with headers:
      | x-echo-reset           | yes |
      | x-echo-faulty-attempts | 1   |
    Then the proxy answers 503 with response flag "UC"

  # Source: Envoy router filter docs (reset and 5xx both retry a try that got no answer).
  Scenario Outline: A dropped connection is retried under "<retryOn>"
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
          retries: {attempts: 2, retryOn: <retryOn>}
      """
    When a client sends GET "/" to "my-app" with headers:
      | x-echo-reset           | yes |
      | x-echo-faulty-attempts | 1   |
    Then a pod of version "v1" answers 200 on attempt 2

    Examples:
      | retryOn       |
      | reset         |
      | 5xx           |
      | gateway-error |

  # Source: SEMANTICS.md 4.5 (perTryTimeout -> per_try_timeout); Envoy router docs (a per-try timeout is
  # retried under 5xx).
  Scenario: A try slower than perTryTimeout is abandoned and retried
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
          retries: {attempts: 2, perTryTimeout: 200ms, retryOn: 5xx}
      """
    When a client sends GET "/" to "my-app" with headers:
      | x-echo-delay-ms        | 3000 |
      | x-echo-faulty-attempts | 1    |
    Then a pod of version "v1" answers 200 on attempt 2

  # Source: SEMANTICS.md 4.4 and 4.5 (per_try_timeout; on expiry Envoy answers 504 "upstream request timeout",
  # flag UT, [INF]).
  @unverified
  Scenario: When every try times out, the client gets 504 UT
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
          retries: {attempts: 1, perTryTimeout: 100ms, retryOn: 5xx}
      """
    When a client sends GET "/" to "my-app" and the pod takes 2000 ms to answer
    Then the proxy answers 504 with response flag "UT"
    And the answer took at least 200 ms

  # Source: SEMANTICS.md 4.5 ("bounded by route timeout"); Envoy route timeout covers all tries.
  @unverified
  Scenario: The route timeout ends the retries
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
          timeout: 300ms
          retries: {attempts: 10, perTryTimeout: 100ms, retryOn: 5xx}
      """
    When a client sends GET "/" to "my-app" and the pod takes 5000 ms to answer
    Then the proxy answers 504 with response flag "UT"
    And the answer took at least 300 ms

  # Source: SEMANTICS.md 4.5 (retry_host_predicate previous_hosts, host_selection_retry_max_attempts 5). One of
  # the two v1 pods answers 503; a retry goes to the other one, so every request succeeds. (Envoy keeps the
  # last of 5 draws if all hit a pod already tried: with 4 retries the chance a request still fails is
  # 1/2 x (1/32)^4, about 5 in 10 million.)
  Scenario: A retry goes to a pod not tried before
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
          retries: {attempts: 4, retryOn: "503"}
      """
    When a client sends GET "/" to "my-app" with headers:
      | x-echo-status      | 503         |
      | x-echo-faulty-pods | my-app-v1-0 |
    Then it is served by version "v1"
    And every one of 200 more such requests is served by version "v1"

  # Source: Istio pkg/config/validation/agent/validation.go ValidateHTTPRetry.
  @validation
  Scenario Outline: A retry policy Istio's validation refuses is rejected
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
          retries: <retries>
      """
    When the configuration is analyzed
    Then "VirtualService default/my-app" is rejected with "<message>"

    Examples:
      | retries                                | message                                                   |
      | {attempts: -1}                         | attempts cannot be negative                               |
      | {attempts: 0, retryOn: 5xx}            | http retry policy configured when attempts are set to 0   |
      | {perTryTimeout: 1s}                    | http retry policy configured when attempts are set to 0   |
      | {attempts: 2, retryOn: "5xx,sometimes"} | 'sometimes' is not a valid retryOn policy                |
      | {attempts: 2, retryOn: "5xx, 503"}     | ' 503' is not a valid retryOn policy                      |
      | {attempts: 2, retryOn: "999"}          | '999' is not a valid retryOn policy                       |
      | {attempts: 2, perTryTimeout: 0s}       | must be at least 1ms                                      |
