@gateway @core
Feature: Gateways: what the ingress gateway routes, and how that differs from the mesh
  A Gateway opens servers (a port and hosts) on the gateway proxies its selector picks. A VirtualService
  applies there only if it names the gateway in its gateways and shares at least one host with the server;
  each shared host gets its own virtual host, and the Host's port does not matter. Unlike the mesh, where the
  first VirtualService for a host wins, every VirtualService bound to the same gateway and host is merged:
  their routes in order, then the catch-all routes moved to the end. A VirtualService without gateways is
  for the mesh only; one that lists gateways is for those gateways only, unless it also lists "mesh".

  Background: the guide's my-app (pods v1, v1, v2; subsets v1, v2), and Service stable (only the v1 pods)
    Given the fixture "guide/my-app-workloads.yaml"
    And the fixture "guide/my-app-dr.yaml"
    And the fixture "matches/stable-service.yaml"

  # ---- server hosts and virtual hosts --------------------------------------------------------------------

  # Source: SEMANTICS.md 6.3 (gateway.go buildGatewayHTTPRouteConfig: one virtual host per hostname shared by
  # the server hosts and the VirtualService hosts, host.Names.Intersection keeping the narrower name; domains
  # [hostname], lower-cased; IgnorePortInHostMatching: true, so "Host bookinfo.com:31380 matches bookinfo.com").
  Scenario Outline: A server's wildcard host admits the VirtualService's host, whatever the Host's port or case
    Given the fixture "gateway/public-gateway.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: shop
      spec:
        hosts: [shop.example.com]
        gateways: [istio-system/public-gateway]
        http:
        - route: [{destination: {host: my-app, subset: v2}}]
      """
    When a client sends GET "/" to the ingress gateway with host "<host>"
    Then it is served by version "v2"

    Examples:
      | host                  |
      | shop.example.com      |
      | shop.example.com:8443 |
      | SHOP.Example.COM      |
      | shop.example.com:80   |

  # Source: SEMANTICS.md 6.3 ("No vhost matches the Host -> 404 NR [INF: Envoy no route]"; istio/istio#30347)
  # and 6.1 (*.example.com does not cover example.com). The server admits *.example.com, but only
  # shop.example.com has a virtual host: the others have no route at all.
  @unverified
  Scenario Outline: A Host the server admits but no VirtualService names gets 404 NR
    Given the fixture "gateway/public-gateway.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: shop
      spec:
        hosts: [shop.example.com]
        gateways: [istio-system/public-gateway]
        http:
        - route: [{destination: {host: my-app, subset: v2}}]
      """
    When a client sends GET "/" to the ingress gateway with host "<host>"
    Then the proxy answers 404 with response flag "NR"

    Examples:
      | host                   |
      | blog.example.com       |
      | example.com            |
      | shop.example.org       |

  # Source: SEMANTICS.md 6.1 ("* alone forbidden for mesh-bound VS ... but allowed for gateway-bound"; validation.go
  # ValidateVirtualService) and 6.3 (the intersection keeps the narrower names: the server's hosts); 6.3 [INF] for
  # the 404 of a Host the server does not list.
  Scenario Outline: A VirtualService for host "*" bound to a gateway takes every host of the server
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata:
        name: two-shops
        namespace: istio-system
      spec:
        selector: {istio: ingressgateway}
        servers:
        - port: {number: 80, name: http, protocol: HTTP}
          hosts: [a.example.com, b.example.com]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: everything
      spec:
        hosts: ["*"]
        gateways: [istio-system/two-shops]
        http:
        - route: [{destination: {host: my-app, subset: v2}}]
      """
    When a client sends GET "/" to the ingress gateway with host "<host>"
    Then the outcome is "<outcome>"

    Examples:
      | host          | outcome |
      | a.example.com | v2      |
      | b.example.com | v2      |

    @unverified
    Examples: a host the server does not list has no virtual host
      | host          | outcome |
      | c.example.com | 404 NR  |

  # Source: SEMANTICS.md 7 (server hosts "[namespace/]dnsName"; only VirtualServices of that namespace may bind
  # for it) and model/gateway.go sanitizeServerHostNamespace ("./host" is the Gateway's namespace, "*/host" any),
  # host.NamesForNamespace; 1.3 (no VirtualService for the server: the "blackhole" virtual host, 404 NR).
  Scenario Outline: A namespace-qualified server host admits only VirtualServices of that namespace
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata:
        name: shops
        namespace: istio-system
      spec:
        selector: {istio: ingressgateway}
        servers:
        - port: {number: 80, name: http, protocol: HTTP}
          hosts: ["<server host>"]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: shop
        namespace: <namespace>
      spec:
        hosts: [shop.example.com]
        gateways: [istio-system/shops]
        http:
        - route: [{destination: {host: my-app.default.svc.cluster.local, subset: v2}}]
      """
    When a client sends GET "/" to the ingress gateway with host "shop.example.com"
    Then the outcome is "<outcome>"

    Examples:
      | server host          | namespace    | outcome |
      | prod/*.example.com   | prod         | v2      |
      | prod/*.example.com   | default      | 404 NR  |
      | */shop.example.com   | default      | v2      |
      | ./*.example.com      | istio-system | v2      |
      | ./*.example.com      | default      | 404 NR  |

  # Source: SEMANTICS.md 6.3 and 7 (a VirtualService applies to a server of a gateway it is bound to; gateway.go
  # buildGatewayHTTPRouteConfig looks up the VirtualServices per server, by that server's gateway name). Two
  # Gateways on one port share the route configuration, but each server takes only its own gateway's
  # VirtualServices. The host of the other Gateway then has no virtual host: 404 NR, [INF] as above.
  Scenario Outline: Through two Gateways on one proxy, a VirtualService only serves its own gateway's hosts
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata:
        name: shop-gateway
        namespace: istio-system
      spec:
        selector: {istio: ingressgateway}
        servers:
        - port: {number: 80, name: http, protocol: HTTP}
          hosts: [shop.example.com]
      ---
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata:
        name: blog-gateway
        namespace: istio-system
      spec:
        selector: {istio: ingressgateway}
        servers:
        - port: {number: 80, name: http, protocol: HTTP}
          hosts: [blog.example.com]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: sites
      spec:
        hosts: [shop.example.com, blog.example.com]
        gateways: [istio-system/shop-gateway]
        http:
        - route: [{destination: {host: my-app, subset: v2}}]
      """
    When a client sends GET "/" to the ingress gateway with host "<host>"
    Then the outcome is "<outcome>"

    Examples:
      | host             | outcome |
      | shop.example.com | v2      |

    @unverified
    Examples: the other Gateway's host
      | host             | outcome |
      | blog.example.com | 404 NR  |

  # ---- merging: the gateway merges, the mesh does not ----------------------------------------------------

  # Source: SEMANTICS.md 6.3 ("All VSs bound to the same gateway+host are merged: routes concatenated in VS order,
  # then SortVHostRoutes moves catch-all routes to the end"; route.go SortVHostRoutes; istio/istio#53550,
  # #53564, #10464, #21302) and 8.8. "Gateway: VS-A (older) [{prefix /} -> web]; VS-B [{prefix /api} -> api],
  # same host: GET /api -> api (catch-all moved last)".
  Scenario Outline: Two VirtualServices for one gateway host are merged, and the catch-all goes last
    Given the fixture "gateway/public-gateway.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: shop-web
      spec:
        hosts: [shop.example.com]
        gateways: [istio-system/public-gateway]
        http:
        - name: web
          route: [{destination: {host: my-app, subset: v1}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: shop-api
      spec:
        hosts: [shop.example.com]
        gateways: [istio-system/public-gateway]
        http:
        - name: api
          match: [{uri: {prefix: /api}}]
          route: [{destination: {host: my-app, subset: v2}}]
      """
    When a client sends GET "<path>" to the ingress gateway with host "shop.example.com"
    Then it is served by version "<version>"

    Examples:
      | path      | version |
      | /api      | v2      |
      | /api/cart | v2      |
      | /         | v1      |
      | /shop     | v1      |

  # Source: as above (SortVHostRoutes keeps the relative order of the other routes); the routes the gateway holds.
  @route-inspection
  Scenario: The merged virtual host holds the later VirtualService's routes before the earlier catch-all
    Given the fixture "gateway/public-gateway.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: shop-web
      spec:
        hosts: [shop.example.com]
        gateways: [istio-system/public-gateway]
        http:
        - name: web-home
          match: [{uri: {exact: /}}]
          route: [{destination: {host: my-app, subset: v1}}]
        - name: web
          route: [{destination: {host: my-app, subset: v1}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: shop-api
      spec:
        hosts: [shop.example.com]
        gateways: [istio-system/public-gateway]
        http:
        - name: api
          match: [{uri: {prefix: /api}}]
          route: [{destination: {host: my-app, subset: v2}}]
        - name: api-fallback
          route: [{destination: {host: my-app, subset: v2}}]
      """
    Then the ingress gateway holds the routes "web-home, api, web, api-fallback" for "shop.example.com"

  # Source: route.go IsCatchAllRoute (what SortVHostRoutes moves: path prefix "/" or regex exactly ".*", and no
  # header, query or metadata matcher; method/authority/scheme are header matchers) and SortVHostRoutes.
  # SEMANTICS.md 1.1 (the catch-all definition). A catch-all of the first VirtualService moves behind the
  # second one's /api route; a route that is not a catch-all keeps its place and answers first.
  Scenario Outline: Only a true catch-all is moved behind the other VirtualServices' routes
    Given the fixture "gateway/public-gateway.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: shop-web
      spec:
        hosts: [shop.example.com]
        gateways: [istio-system/public-gateway]
        http:
        - match: [<web match>]
          route: [{destination: {host: my-app, subset: v1}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: shop-api
      spec:
        hosts: [shop.example.com]
        gateways: [istio-system/public-gateway]
        http:
        - match: [{uri: {prefix: /api}}]
          route: [{destination: {host: my-app, subset: v2}}]
      """
    When a client sends GET "/api" to the ingress gateway with host "shop.example.com"
    Then it is served by version "<version>"

    Examples: catch-alls move last, so /api reaches shop-api (v2); other routes stay first (v1)
      | web match                                  | version |
      | {uri: {prefix: /}}                         | v2      |
      | {uri: {regex: ".*"}}                       | v2      |
      | {}                                         | v2      |
      | {uri: {prefix: /}, method: {exact: GET}}   | v1      |
      | {uri: {regex: "/.*"}}                      | v1      |
      | {uri: {prefix: /}, ignoreUriCase: true}    | v2      |

  # Source: SEMANTICS.md 6.2 ("Two mesh VSs claiming the same host: no merge; the first ... wins", IST0109) and
  # 6.3 "Mesh: same two VSs -> only VS-A applies: GET /api -> web"; 7 (gateways [gw, mesh]: both). The same two
  # VirtualServices, bound to the gateway and to the mesh: the gateway merges them, the sidecar uses the first.
  Scenario Outline: The same two VirtualServices merge on the gateway but not in the mesh
    Given the fixture "gateway/public-gateway.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: shop-web
      spec:
        hosts: [shop.example.com]
        gateways: [istio-system/public-gateway, mesh]
        http:
        - route: [{destination: {host: my-app, subset: v1}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: shop-api
      spec:
        hosts: [shop.example.com]
        gateways: [istio-system/public-gateway, mesh]
        http:
        - match: [{uri: {prefix: /api}}]
          route: [{destination: {host: my-app, subset: v2}}]
      """
    When a client sends GET "/api" <via> "shop.example.com"
    Then it is served by version "<version>"

    Examples:
      | via                                | version |
      | to the ingress gateway with host   | v2      |
      | to                                 | v1      |

  # ---- the mesh / gateway split --------------------------------------------------------------------------

  # Source: SEMANTICS.md 7 ("VS gateways: omitted -> mesh only; list without mesh -> only those gateways; include
  # mesh for both"; push_context.go getGatewayNames, VirtualServicesForGateway); 1.3 (a gateway server with no
  # VirtualService: the blackhole virtual host, 404 NR; a service whose VirtualService does not apply to the
  # sidecar keeps its default route: stable's v1 pods).
  Scenario Outline: The gateways a VirtualService lists decide where it applies
    Given the fixture "gateway/any-host-gateway.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: stable
      spec:
        hosts: [stable]
        gateways: <gateways>
        http:
        - route: [{destination: {host: my-app, subset: v2}}]
      """
    When a client sends GET "/" to the ingress gateway with host "stable.default.svc.cluster.local"
    Then the outcome is "<at the gateway>"
    When a client sends GET "/" to "stable"
    Then the outcome is "<in the mesh>"

    Examples:
      | gateways                              | at the gateway | in the mesh |
      | []                                    | 404 NR         | v2          |
      | [mesh]                                | 404 NR         | v2          |
      | [istio-system/any-host-gateway]       | v2             | v1          |
      | [istio-system/any-host-gateway, mesh] | v2             | v2          |

  # Source: SEMANTICS.md 7 ("Names ns/name (short name = VS's namespace; legacy FQDN form warned)"; model/config.go
  # resolveGatewayName; validation.go validateGatewayNames warns on the legacy form).
  Scenario Outline: A gateway name without a namespace means a gateway in the VirtualService's namespace
    Given the fixture "gateway/any-host-gateway.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: stable
      spec:
        hosts: [stable]
        gateways: [<gateway>]
        http:
        - route: [{destination: {host: my-app, subset: v2}}]
      """
    When a client sends GET "/" to the ingress gateway with host "stable.default.svc.cluster.local"
    Then the outcome is "<outcome>"

    Examples:
      | gateway                                         | outcome |
      | istio-system/any-host-gateway                   | v2      |
      | any-host-gateway                                | 404 NR  |
      | any-host-gateway.istio-system.svc.cluster.local | v2      |

  # Source: SEMANTICS.md 1.5 / 7 ("Match-level gateways override the VS-level list (per match)"; route.go
  # sourceMatchHTTP with the gateway's name as the only gateway name; push_context.go indexes VirtualServices by
  # their VS-level gateways only, so a match can only narrow them). The /api rule is for the gateway only.
  Scenario Outline: A match's gateways narrow a rule to some of the VirtualService's gateways
    Given the fixture "gateway/any-host-gateway.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: stable
      spec:
        hosts: [stable]
        gateways: [istio-system/any-host-gateway, mesh]
        http:
        - match: [{uri: {prefix: /api}, gateways: [istio-system/any-host-gateway]}]
          route: [{destination: {host: my-app, subset: v2}}]
        - route: [{destination: {host: stable}}]
      """
    When a client sends GET "<path>" to the ingress gateway with host "stable.default.svc.cluster.local"
    Then the outcome is "<at the gateway>"
    When a client sends GET "<path>" to "stable"
    Then the outcome is "<in the mesh>"

    Examples:
      | path   | at the gateway | in the mesh |
      | /api   | v2             | v1          |
      | /other | v1             | v1          |

  # Source: as above (sourceMatchHTTP: the match's gateways are compared with the gateway being built, and a
  # VirtualService is only considered for the gateways it lists at the top). Bound to the mesh alone, a match
  # naming the gateway is dropped everywhere: the gateway never sees this VirtualService, and in the mesh the
  # VirtualService yields no route at all, so stable keeps its default route (SEMANTICS.md 1.3).
  Scenario: A match naming a gateway the VirtualService is not bound to applies nowhere
    Given the fixture "gateway/any-host-gateway.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: stable
      spec:
        hosts: [stable]
        http:
        - match: [{gateways: [istio-system/any-host-gateway]}]
          route: [{destination: {host: my-app, subset: v2}}]
      """
    When a client sends GET "/" to the ingress gateway with host "stable.default.svc.cluster.local"
    Then the proxy answers 404 with response flag "NR"
    When a client sends GET "/" to "stable"
    Then it is served by version "v1"

  # Source: SEMANTICS.md 1.5 ("port: config-time: the match is dropped unless match.port == listener port ...
  # gateway: server.port.number"; route.go TranslateRoute) and 1.3 (no route left for the server: 404 NR).
  Scenario Outline: A match's port is compared with the server's port, not with the Host's
    Given the fixture "gateway/public-gateway.yaml"
    And the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: shop
      spec:
        hosts: [shop.example.com]
        gateways: [istio-system/public-gateway]
        http:
        - match: [{port: <match port>}]
          route: [{destination: {host: my-app, subset: v2}}]
      """
    When a client sends GET "/" to the ingress gateway with host "<host>"
    Then the outcome is "<outcome>"

    Examples:
      | match port | host                  | outcome |
      | 80         | shop.example.com:8080 | v2      |
      | 8080       | shop.example.com:8080 | 404 NR  |

  # ---- httpsRedirect -------------------------------------------------------------------------------------

  # Source: SEMANTICS.md 6.3 ("tls.httpsRedirect: true -> vhost require_tls: ALL (Envoy 301 to https)"; gateway.go
  # also gives every host of such a server a virtual host, routes or not); envoy source/common/http/utility.cc
  # createSslRedirectPath: "https://" + the Host as sent + the path as sent.
  Scenario Outline: A server with httpsRedirect answers plain HTTP with a 301 to https
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata:
        name: secure
        namespace: istio-system
      spec:
        selector: {istio: ingressgateway}
        servers:
        - port: {number: 80, name: http, protocol: HTTP}
          hosts: [secure.example.com, plain.example.com]
          tls: {httpsRedirect: true}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: secure
      spec:
        hosts: [secure.example.com]
        gateways: [istio-system/secure]
        http:
        - route: [{destination: {host: my-app, subset: v2}}]
      """
    When a client sends GET "<path>" to the ingress gateway with host "<host>"
    Then the proxy answers 301 with location "<location>"

    Examples:
      | host                  | path        | location                                 |
      | secure.example.com    | /cart?id=7  | https://secure.example.com/cart?id=7     |
      | secure.example.com:80 | /           | https://secure.example.com:80/           |
      | plain.example.com     | /           | https://plain.example.com/               |

  # ---- validation ----------------------------------------------------------------------------------------

  # Source: pkg/config/validation/validation.go ValidateGateway, validateServer, validateServerPort and
  # agent/validation.go ValidateNamespaceSlashWildcardHostname, validateSidecarOrGatewayHostnamePart,
  # ValidatePartialWildCard (messages as Istio words them); SEMANTICS.md 7.
  @validation
  Scenario Outline: A Gateway that breaks Istio's rules is rejected
    Given the configuration, which the mesh must reject in part:
      """
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata:
        name: broken
        namespace: istio-system
      spec:
        selector: {istio: ingressgateway}
        servers: <servers>
      """
    When the configuration is analyzed
    Then "Gateway istio-system/broken" is rejected with '<message>'

    Examples:
      | servers                                                                          | message                                                  |
      | []                                                                               | gateway must have at least one server                    |
      | [{port: {number: 80, name: http, protocol: HTTP}, hosts: []}]                    | server config must contain at least one host             |
      | [{port: {number: 80, name: http, protocol: HTTP}, hosts: [shop]}]                | short names (non FQDN) are not allowed                   |
      | [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["s*.example.com"]}]    | partial wildcard "s*.example.com" not allowed            |
      | [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["a_b/x.example.com"]}] | invalid namespace value "a_b" in gateway                 |
      | [{port: {number: 80, name: http, protocol: FTP}, hosts: [x.example.com]}]        | invalid protocol "FTP"                                   |
      | [{port: {number: 0, name: http, protocol: HTTP}, hosts: [x.example.com]}]        | port number 0 must be in the range 1..65535              |
      | [{port: {number: 80, protocol: HTTP}, hosts: [x.example.com]}]                   | port name must be set                                    |
      | [{port: {number: 443, name: https, protocol: HTTPS}, hosts: [x.example.com]}]    | server must have TLS settings for HTTPS/TLS protocols    |
      | [{hosts: [x.example.com]}]                                                       | port is required                                         |

  # Source: validation.go ValidateGateway ("port names in servers must be unique: duplicate name %s").
  @validation
  Scenario: Two servers of one Gateway may not share a port name
    Given the configuration, which the mesh must reject in part:
      """
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata:
        name: broken
        namespace: istio-system
      spec:
        selector: {istio: ingressgateway}
        servers:
        - port: {number: 80, name: web, protocol: HTTP}
          hosts: [a.example.com]
        - port: {number: 8080, name: web, protocol: HTTP}
          hosts: [b.example.com]
      """
    When the configuration is analyzed
    Then "Gateway istio-system/broken" is rejected with "port names in servers must be unique: duplicate name web"

  # Source: validation.go validateGatewayNames ("invalid value for namespace: %q", "invalid value for gateway
  # name: %q"; the namespace must be a DNS-1123 label, so "./name", which resolveGatewayName would understand,
  # is rejected) and ValidateVirtualService ("wildcard host * is not allowed for virtual services bound to the
  # mesh gateway", also when the list names a gateway besides mesh).
  @validation
  Scenario Outline: A VirtualService naming gateways wrongly is rejected
    Given the configuration, which the mesh must reject in part:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: shop
      spec:
        hosts: [<host>]
        gateways: <gateways>
        http:
        - route: [{destination: {host: my-app, subset: v2}}]
      """
    When the configuration is analyzed
    Then "VirtualService default/shop" is rejected with '<message>'

    Examples:
      | host             | gateways                                | message                                                  |
      | shop.example.com | [bad_ns/public-gateway]                 | invalid value for namespace: "bad_ns"                    |
      | shop.example.com | [istio-system/public_gateway]           | invalid value for gateway name: "public_gateway"         |
      | shop.example.com | [./public-gateway]                      | invalid value for namespace: "."                         |
      | "*"              | [istio-system/public-gateway, mesh]     | wildcard host * is not allowed for virtual services bound to the mesh gateway |

  # Source: DESIGN.md (a rejected resource leaves the rest of the configuration working); the reference
  # implements plain-text HTTP servers and tls.httpsRedirect only, and says so rather than ignoring the rest.
  @validation
  Scenario: A Gateway asking for what the reference does not implement is rejected, and the others still route
    Given the fixture "gateway/public-gateway.yaml"
    And the configuration, which the mesh must reject in part:
      """
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata:
        name: tls-gateway
        namespace: istio-system
      spec:
        selector: {istio: ingressgateway}
        servers:
        - port: {number: 443, name: https, protocol: HTTPS}
          hosts: [shop.example.com]
          tls: {mode: SIMPLE, credentialName: shop-cert}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: shop
      spec:
        hosts: [shop.example.com]
        gateways: [istio-system/public-gateway, istio-system/tls-gateway]
        http:
        - route: [{destination: {host: my-app, subset: v2}}]
      """
    When a client sends GET "/" to the ingress gateway with host "shop.example.com"
    Then it is served by version "v2"
    And "Gateway istio-system/tls-gateway" is rejected with "not implemented by the meshroute reference yet"
