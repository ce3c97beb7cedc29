@headers @core
Feature: Header operations: what the proxy adds, sets and removes
  `headers.request` changes the request before it is forwarded, `headers.response` changes the pod's
  answer: `set` replaces a header, `add` appends a value, `remove` drops it. They can be given for the
  whole rule or for one destination. The echo pods report the request headers they received and
  answer with an `x-echo-pod` header of their own.

  Background: the guide's service my-app, with pods of versions v1 and v2 and subsets v1, v2
    Given the fixture "guide/my-app-workloads.yaml"
    And the fixture "guide/my-app-dr.yaml"

  # Source: SEMANTICS.md 4.8 (TranslateHeadersOperations: request.set -> OVERWRITE_IF_EXISTS_OR_ADD).
  Scenario: Request set replaces what the client sent
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - headers:
            request:
              set: {x-test: "true"}
          route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "/" to "my-app" with headers:
      | x-test | false |
    Then it is served by version "v1"
    And the pod receives header "x-test" with "true"

  # Source: SEMANTICS.md 4.8 (request.add -> APPEND_IF_EXISTS_OR_ADD; "upstream sees both values", [INF] for
  # the exact wire form).
  @unverified
  Scenario: Request add keeps what the client sent and adds a value
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - headers:
            request:
              add: {x-test: b}
          route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "/" to "my-app" with headers:
      | x-test | a |
    Then the pod receives header "x-test" with "a, b"

  # Source: SEMANTICS.md 4.8 (request remove -> request_headers_to_remove).
  Scenario: Request remove drops a header before the pod sees it
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - headers:
            request:
              remove: [x-secret]
          route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "/" to "my-app" with headers:
      | x-secret | s3cr3t |
      | x-kept   | yes    |
    Then the pod receives no header "x-secret"
    And the pod receives header "x-kept" with "yes"

  # Source: SEMANTICS.md 4.8 (response set/add/remove -> response_headers_to_add/remove).
  Scenario: Response operations change the pod's answer
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - headers:
            response:
              set: {x-served-by: mesh}
              remove: [x-echo-pod]
          route: [{destination: {host: my-app, subset: v2}}]
      """
    When a client sends GET "/" to "my-app"
    Then it is served by version "v2"
    And the response carries header "x-served-by" with "mesh"
    And the response has no header "x-echo-pod"

  # Source: SEMANTICS.md 4.8 ("headers.response.remove [foo] on subset v1 destination only -> foo removed only
  # when v1 chosen"; per-destination operations go on the ClusterWeight).
  @deterministic-weights
  Scenario Outline: Destination-level operations apply only when that destination is chosen
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - route:
          - destination: {host: my-app, subset: v1}
            weight: 50
            headers:
              request: {set: {x-version-hint: v1}}
              response: {remove: [x-echo-pod]}
          - destination: {host: my-app, subset: v2}
            weight: 50
      """
    When a client sends GET "/" to "my-app" with random value <random value>
    Then it is served by version "<version>"
    And <request check>
    And <response check>

    Examples:
      | random value | version | request check                                       | response check                              |
      | 10           | v1      | the pod receives header "x-version-hint" with "v1"  | the response has no header "x-echo-pod"     |
      | 60           | v2      | the pod receives no header "x-version-hint"         | the response carries header "x-echo-pod" with "my-app-v2-0" |

  # Source: SEMANTICS.md 4.8 (a host key in request set is the authority rewrite, never a header).
  Scenario: Setting the host header rewrites the authority
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - headers:
            request:
              set: {host: internal.example}
          route: [{destination: {host: my-app, subset: v1}}]
      """
    When a client sends GET "/" to "my-app"
    Then the pod receives host "internal.example"

  # Source: SEMANTICS.md 4.8 (validation: remove and response operations may not touch host or ":" keys).
  @validation
  Scenario Outline: Operations on pseudo-headers or host outside request set/add are rejected
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - headers: <headers>
          route: [{destination: {host: my-app, subset: v1}}]
      """
    When the configuration is analyzed
    Then "VirtualService default/my-app" is rejected with "<message>"

    Examples:
      | headers                                   | message                               |
      | {request: {remove: [host]}}               | cannot be changed here                |
      | {response: {set: {":status": "200"}}}     | is not a header name that can be changed |
      | {request: {set: {":path": "/x"}}}         | is not a header name that can be changed |
