@destination-rule-merge
Feature: Several DestinationRules for one host: which subsets a client's sidecar knows
  istiod merges the DestinationRules of one namespace for one host: the subsets of all of them, and for a
  subset name defined twice, the definition of the oldest rule. It never merges across namespaces: a client
  sidecar takes the rules of its own namespace if any names the host, else the rules the service's namespace
  exports to it, else those the root namespace istio-system exports. A subset the chosen rule lacks has no
  cluster, so a route to it is answered 503 NC. A short host is read in the rule's namespace, and a host with
  a dot is taken as written.

  Background: Service reviews in namespace prod with pods v1 and v2; the client runs in namespace default,
  where a VirtualService sends /v1, /v2 and /v3 to the subsets of those names
    Given the fixture "destination-rules/reviews.yaml"

  # ---- merge within a namespace -------------------------------------------------------------------------------

  # Source: SEMANTICS.md 3.4 (istio/istio pilot/pkg/model/destination_rule.go mergeDestinationRule: rules for one
  # host in one namespace merge, subsets are concatenated by name; push_context.go setDestinationRules).
  @core
  Scenario Outline: Two DestinationRules for the host in one namespace: the subsets of both are routable
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews-v1
        namespace: prod
      spec:
        host: reviews
        subsets:
        - {name: v1, labels: {version: v1}}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews-v2
        namespace: prod
      spec:
        host: reviews.prod.svc.cluster.local
        subsets:
        - {name: v2, labels: {version: v2}}
      """
    When a client sends GET "<path>" to "reviews.prod"
    Then the outcome is "<outcome>"

    Examples:
      | path | outcome |
      | /v1  | v1      |
      | /v2  | v2      |
      | /v3  | 503 NC  |

  # Source: SEMANTICS.md 3.4 (mergeDestinationRule: a duplicate subset name is ignored, the first rule's wins;
  # push_context.go sortConfigBySelectorAndCreationTime: rules sorted by metadata.creationTimestamp, then name,
  # then namespace). The reference reads creationTimestamp from the YAML; a Kubernetes API server sets it
  # itself, so a cluster target must create the rules in this order.
  @core
  Scenario Outline: A subset defined by two DestinationRules is the older rule's
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews-a
        namespace: prod
        creationTimestamp: "<a-created>"
      spec:
        host: reviews
        subsets:
        - {name: v1, labels: {version: v1}}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews-b
        namespace: prod
        creationTimestamp: "<b-created>"
      spec:
        host: reviews
        subsets:
        - {name: v1, labels: {version: v2}}
      """
    When a client sends GET "/v1" to "reviews.prod"
    Then it is served by version "<version>"

    Examples: subset v1 selects version v1 in reviews-a and version v2 in reviews-b
      | a-created            | b-created            | version |
      | 2026-01-01T00:00:00Z | 2026-02-01T00:00:00Z | v1      |
      | 2026-03-01T00:00:00Z | 2026-02-01T00:00:00Z | v2      |

  # Source: push_context.go sortConfigBySelectorAndCreationTime ("If creation time is the same ... ordering based
  # on name and namespace"); SEMANTICS.md 3.4. [INF] for a cluster: the API server stamps creation in whole
  # seconds, so rules applied together usually share it and the name decides, but not always.
  @core @unverified
  Scenario: Without creation times, the DestinationRule whose name sorts first wins a subset, whatever the file order
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews-b
        namespace: prod
      spec:
        host: reviews
        subsets:
        - {name: v1, labels: {version: v2}}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews-a
        namespace: prod
      spec:
        host: reviews
        subsets:
        - {name: v1, labels: {version: v1}}
      """
    When a client sends GET "/v1" to "reviews.prod"
    Then it is served by version "v1"

  # ---- which namespace's rule a client uses ------------------------------------------------------------------

  # Source: SEMANTICS.md 3.5 (push_context.go destinationRule(): the client's namespace first, then the rules the
  # service's namespace exports). The client in default has no rule of its own, so prod's applies.
  @core
  Scenario Outline: A DestinationRule in the service's namespace applies to clients in other namespaces
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews
        namespace: prod
      spec:
        host: reviews
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v2, labels: {version: v2}}
      """
    When a client sends GET "<path>" to "reviews.prod"
    Then the outcome is "<outcome>"

    Examples:
      | path | outcome |
      | /v1  | v1      |
      | /v2  | v2      |

  # Source: SEMANTICS.md 3.5 ("the first level that has a host match is used exclusively ... a DR in the client
  # namespace for host X without subsets hides the service-namespace DR's subsets -> 503 NC"); istio/istio#30080,
  # #57719; push_context.go destinationRule().
  @core
  Scenario: A DestinationRule for the host in the client's namespace hides the subsets of the service's namespace
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews
        namespace: prod
      spec:
        host: reviews
        subsets:
        - {name: v1, labels: {version: v1}}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews-client-side
        namespace: default
      spec:
        host: reviews.prod.svc.cluster.local
      """
    When a client sends GET "/v1" to "reviews.prod"
    Then the proxy answers 503 with response flag "NC"

  # Source: SEMANTICS.md 3.5 (no cross-namespace merge: the client namespace's rule is used alone);
  # push_context.go destinationRule(), mergeDestinationRule only within one namespace's index.
  @core
  Scenario Outline: Rules of the client's and the service's namespace are never merged
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews
        namespace: prod
      spec:
        host: reviews
        subsets:
        - {name: v1, labels: {version: v1}}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews
        namespace: default
      spec:
        host: reviews.prod.svc.cluster.local
        subsets:
        - {name: v2, labels: {version: v2}}
      """
    When a client sends GET "<path>" to "reviews.prod"
    Then the outcome is "<outcome>"

    Examples: the client in default knows only its own namespace's subset v2
      | path | outcome |
      | /v1  | 503 NC  |
      | /v2  | v2      |

  # Source: SEMANTICS.md 3.5 (step 3: the root namespace, istio-system, is searched for exported rules when neither
  # the client's nor the service's namespace has one for the host); push_context.go destinationRule().
  @core
  Scenario: A DestinationRule in istio-system applies when no other namespace has one for the host
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews-mesh-wide
        namespace: istio-system
      spec:
        host: reviews.prod.svc.cluster.local
        subsets:
        - {name: v1, labels: {version: v2}}
      """
    When a client sends GET "/v1" to "reviews.prod"
    Then it is served by version "v2"

  # Source: SEMANTICS.md 3.5 (the service's namespace is searched before the root namespace).
  @core
  Scenario: The service's namespace comes before istio-system
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews-mesh-wide
        namespace: istio-system
      spec:
        host: reviews.prod.svc.cluster.local
        subsets:
        - {name: v1, labels: {version: v2}}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews
        namespace: prod
      spec:
        host: reviews
        subsets:
        - {name: v1, labels: {version: v1}}
      """
    When a client sends GET "/v1" to "reviews.prod"
    Then it is served by version "v1"

  # Source: push_context.go destinationRule() (only three places are searched: the client's namespace, the
  # service's namespace and the root namespace; a rule elsewhere reaches only clients of its own namespace,
  # whatever its exportTo); SEMANTICS.md 3.5.
  @core @export-to
  Scenario: A DestinationRule in a third namespace does not reach the client, even exported to all
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews
        namespace: team-tools
      spec:
        host: reviews.prod.svc.cluster.local
        exportTo: ["*"]
        subsets:
        - {name: v1, labels: {version: v1}}
      """
    When a client sends GET "/v1" to "reviews.prod"
    Then the proxy answers 503 with response flag "NC"

  # ---- exportTo -------------------------------------------------------------------------------------------

  # Source: SEMANTICS.md 3.6 (exportTo: "." own namespace, "*" all, or namespace names; default public);
  # push_context.go setDestinationRules (a rule exported only to "." or its own namespace is private) and
  # getExportedDestinationRuleFromNamespace (exported rules of the service's namespace are used only if exported
  # to the client's namespace).
  @core @export-to
  Scenario Outline: exportTo decides whether the service namespace's DestinationRule reaches the client
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews
        namespace: prod
      spec:
        host: reviews
        exportTo: <exportTo>
        subsets:
        - {name: v1, labels: {version: v1}}
      """
    When a client sends GET "/v1" to "reviews.prod"
    Then the outcome is "<outcome>"

    Examples: the client runs in namespace default
      | exportTo         | outcome |
      | ["*"]            | v1      |
      | [default]        | v1      |
      | [prod, default]  | v1      |
      | ["."]            | 503 NC  |
      | [prod]           | 503 NC  |
      | [other]          | 503 NC  |

  # Source: push_context.go destinationRule() (a rule not exported to the client is skipped, and the search goes
  # on to the root namespace); SEMANTICS.md 3.5, 3.6.
  @core @export-to
  Scenario: A private DestinationRule of the service's namespace lets the istio-system rule apply
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews
        namespace: prod
      spec:
        host: reviews
        exportTo: ["."]
        subsets:
        - {name: v1, labels: {version: v1}}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews-mesh-wide
        namespace: istio-system
      spec:
        host: reviews.prod.svc.cluster.local
        subsets:
        - {name: v1, labels: {version: v2}}
      """
    When a client sends GET "/v1" to "reviews.prod"
    Then it is served by version "v2"

  # Source: SEMANTICS.md 3.4 ("with ENABLE_ENHANCED_DESTINATIONRULE_MERGE=true default, only when exportTo sets
  # are equal"); destination_rule.go mergeDestinationRule. The private rule does not merge into the exported one,
  # so the client in default knows only the exported rule's subset.
  @core @export-to
  Scenario Outline: Two DestinationRules with different exportTo are not merged
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews-public
        namespace: prod
      spec:
        host: reviews
        exportTo: ["*"]
        subsets:
        - {name: v1, labels: {version: v1}}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews-private
        namespace: prod
      spec:
        host: reviews
        exportTo: ["."]
        subsets:
        - {name: v2, labels: {version: v2}}
      """
    When a client sends GET "<path>" to "reviews.prod"
    Then the outcome is "<outcome>"

    Examples:
      | path | outcome |
      | /v1  | v1      |
      | /v2  | 503 NC  |

  # ---- host names -----------------------------------------------------------------------------------------

  # Source: SEMANTICS.md 3.6 (config.go ResolveShortnameToFQDN: a host without a dot is expanded in the RULE's
  # namespace; a host with a dot is taken verbatim, so reviews.prod is NOT expanded and matches no service;
  # istio/istio#15425) and 3.5 (a rule in the client's namespace with the full name applies).
  @core
  Scenario Outline: A DestinationRule's host is read in the rule's namespace, and a dotted name is not expanded
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews
        namespace: <namespace>
      spec:
        host: <host>
        subsets:
        - {name: v1, labels: {version: v1}}
      """
    When a client sends GET "/v1" to "reviews.prod"
    Then the outcome is "<outcome>"

    Examples:
      | namespace | host                           | outcome |
      | prod      | reviews                        | v1      |
      | prod      | reviews.prod.svc.cluster.local | v1      |
      | default   | reviews.prod.svc.cluster.local | v1      |
      | default   | reviews                        | 503 NC  |
      | default   | reviews.prod                   | 503 NC  |
      | prod      | reviews.prod                   | 503 NC  |

  # Source: SEMANTICS.md 3.4 ("wildcard hosts are kept separately ... lookup picks the most specific");
  # config.go MostSpecificHostMatch (an exact host first, then the longest wildcard that matches).
  @extended
  Scenario Outline: The most specific DestinationRule host of a namespace applies
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: everything
        namespace: prod
      spec:
        host: "*.svc.cluster.local"
        subsets:
        - {name: v1, labels: {version: v2}}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: specific
        namespace: prod
      spec:
        host: <host>
        subsets:
        - {name: v1, labels: {version: v1}}
      """
    When a client sends GET "/v1" to "reviews.prod"
    Then it is served by version "v1"

    Examples:
      | host                       |
      | reviews                    |
      | "*.prod.svc.cluster.local" |

  # ---- what analysis sees -----------------------------------------------------------------------------

  # Source: SEMANTICS.md 3.3 (the analyzers "do not model the client-namespace lookup of 3.5"); istio/istio
  # pkg/config/analysis/analyzers/virtualservice/destinationrules.go initDestHostsAndSubsets (every subset of
  # every DestinationRule, whatever its namespace, counts as defined). The hidden subset of the scenario
  # "hides the subsets of the service's namespace" above is answered 503 NC, yet istioctl analyze is silent.
  # (v3 is defined here too, so that no route of the fixture's VirtualService names a subset nobody defines.)
  @core @analysis
  Scenario: Analysis does not predict a subset hidden by the client namespace's DestinationRule
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews
        namespace: prod
      spec:
        host: reviews
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v2, labels: {version: v2}}
        - {name: v3, labels: {version: v2}}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews-client-side
        namespace: default
      spec:
        host: reviews.prod.svc.cluster.local
      """
    When the configuration is analyzed
    Then analysis reports no IST0101
