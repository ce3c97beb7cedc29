@http10 @extended
Feature: HTTP/1.0: a sidecar refuses HTTP/1.0 requests by default
  Envoy's HTTP/1 codec accepts HTTP/1.0 (and HTTP/0.9) only when the connection manager sets
  `http_protocol_options.accept_http_10`. Istio sets it only when istiod runs with PILOT_HTTP10 or
  the proxy's metadata has HTTP10, both off by default, so a sidecar answers an HTTP/1.0 request
  426 Upgrade Required itself, before any route is looked at, and closes the connection.

  Background: the guide's service my-app, with pods of versions v1 and v2 and subsets v1, v2
    Given the fixture "guide/my-app-workloads.yaml"
    And the fixture "guide/my-app-dr.yaml"
    And the configuration:
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

  # Source: envoyproxy/envoy source/common/http/http1/codec_impl.cc ServerConnectionImpl::checkProtocolVersion
  # (accept_http_10_ false: error_code_ = UpgradeRequired, sendProtocolError(LowVersion), whose local reply
  # has the status text as body), ResponseEncoderImpl::encodeHeaders (the status line says HTTP/1.0 only
  # when HTTP/1.0 is accepted); api/envoy/config/core/v3/protocol.proto accept_http_10 (a bool, default
  # false); istio/istio pilot/pkg/features PILOT_HTTP10 (default false) and pilot/pkg/networking/core/
  # listener.go, listener_inbound.go (accept_http_10 only with PILOT_HTTP10 or metadata HTTP10).
  Scenario: An HTTP/1.0 request is answered 426 by the proxy, not routed
    When a client sends GET "/" to "my-app" over HTTP/1.0
    Then the proxy answers 426 with body "Upgrade Required"

  # Source: as above; the same route serves an HTTP/1.1 request.
  Scenario: The same request over HTTP/1.1 is routed
    When a client sends GET "/" to "my-app"
    Then it is served by version "v1"
