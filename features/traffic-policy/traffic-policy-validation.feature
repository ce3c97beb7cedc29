@validation @core
Feature: Invalid traffic policies reject the DestinationRule
  Istio's validation of `trafficPolicy` (validateTrafficPolicy, validateLoadBalancer, validateConnectionPool,
  validateOutlierDetection) rejects the whole DestinationRule, saying why; a policy that only uses a deprecated
  field is accepted with a warning.

  # Source: pkg/config/validation/validation.go validateTrafficPolicy, validateConnectionPool,
  # validateOutlierDetection, validateLoadBalancer (messages as Istio words them); SEMANTICS.md 5.1-5.3.
  Scenario Outline: An invalid traffic policy rejects the DestinationRule
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: my-app
      spec:
        host: my-app
        trafficPolicy: <policy>
      """
    When the configuration is analyzed
    Then "DestinationRule default/my-app" is rejected with "<message>"

    Examples:
      | policy                                                                         | message                                            |
      | {}                                                                             | traffic policy must have at least one field        |
      | {connectionPool: {}}                                                           | connection pool must have at least one field       |
      | {connectionPool: {tcp: {maxConnections: -1}}}                                  | max connections must be non-negative               |
      | {connectionPool: {http: {http1MaxPendingRequests: -1}}}                        | http1 max pending requests must be non-negative    |
      | {connectionPool: {tcp: {connectTimeout: 0s}}}                                  | duration must be greater than 1ms                  |
      | {outlierDetection: {maxEjectionPercent: 150}}                                  | percentage 150 is not in range 0..100              |
      | {outlierDetection: {baseEjectionTime: 0s}}                                     | duration must be greater than 1ms                  |
      | {loadBalancer: {consistentHash: {httpCookie: {ttl: 10s}}}}                     | name required for HttpCookie                       |
      | {loadBalancer: {consistentHash: {httpHeaderName: x, maglev: {tableSize: 1000}}}} | tableSize must be a prime number for maglev        |
      | {loadBalancer: {consistentHash: {httpHeaderName: x, minimumRingSize: 8, ringHash: {minimumRingSize: 8}}}} | only one of MinimumRingSize or Maglev/Ringhash can be specified |

  # Source: validation.go validateSubset -> validateTrafficPolicy: a subset's policy is validated the same way.
  Scenario: An invalid subset traffic policy rejects the DestinationRule
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: my-app
      spec:
        host: my-app
        subsets:
        - name: v1
          labels: {version: v1}
          trafficPolicy: {outlierDetection: {minHealthPercent: -5}}
      """
    When the configuration is analyzed
    Then "DestinationRule default/my-app" is rejected with "percentage -5 is not in range 0..100"

  # Source: validation.go validateOutlierDetection ("outlier detection consecutive errors is deprecated ..." is a
  # warning, not an error).
  Scenario: The deprecated consecutiveErrors is accepted with a warning
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: my-app
      spec:
        host: my-app
        trafficPolicy: {outlierDetection: {consecutiveErrors: 5}}
      """
    When the configuration is analyzed
    Then "DestinationRule default/my-app" is accepted with the warning "outlier detection consecutive errors is deprecated"
