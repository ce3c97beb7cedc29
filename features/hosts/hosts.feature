@hosts @core
Feature: Hosts: which VirtualService a request's Host selects
  A sidecar gives every service one virtual host whose domains are the names a client in the same
  namespace may write: my-app, my-app.default, my-app.default.svc and the FQDN, in any case and with any
  port. A VirtualService's hosts are resolved in the VirtualService's own namespace; a name with a dot is
  taken as it is written. A wildcard host applies to every service it covers, unless a VirtualService names
  the service more precisely. Two mesh VirtualServices for one host are never merged: only the first one
  applies, and analysis reports IST0109 on both.

  Background: Service my-app selects the v1 pods, Service my-app-canary the v2 pod
    Given the fixture "hosts/my-app-and-canary.yaml"

  # Source: SEMANTICS.md 6.2 (httproute.go generateVirtualHostDomains: FQDN, and for a same-namespace client
  # name, name.ns, name.ns.svc; envoy config_impl.cc findVirtualHost lower-cases the Host before the lookup).
  Scenario Outline: Every name a client in the namespace may write selects the service's VirtualService
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - route: [{destination: {host: my-app-canary}}]
      """
    When a client sends GET "/" to "<host>"
    Then it is served by version "v2"

    Examples:
      | host                             |
      | my-app                           |
      | my-app.default                   |
      | my-app.default.svc               |
      | my-app.default.svc.cluster.local |
      | MY-APP                           |
      | My-App.Default.Svc.Cluster.Local |

  # Source: SEMANTICS.md 6.2 (IgnorePortInHostMatching on sidecars: "Host reviews:9080 and reviews:1 both
  # match reviews", since ~1.16 per istio/istio#41715; older versions 404'ed a mismatched port: #11828, #6469,
  # #21384) and 8.10.
  @istio-1.16+
  Scenario Outline: The port in the Host does not matter, whatever it is
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - route: [{destination: {host: my-app-canary}}]
      """
    When a client sends GET "/" to "<host>"
    Then it is served by version "v2"

    Examples:
      | host                                  |
      | my-app:80                             |
      | my-app:1234                           |
      | my-app.default.svc.cluster.local:8080 |

  # Source: SEMANTICS.md 1.3 (no virtual host and no route: Envoy router.cc NoRouteFound, 404 NR) and 8.10
  # ("unknown Host -> 404 NR", istio/istio#30347). [INF] for a real sidecar: SEMANTICS.md 6.2 says an
  # explicit-HTTP-port listener also has a catch-all virtual host (ALLOW_ANY: forwarded to the original
  # destination; REGISTRY_ONLY: 502); the reference models neither (README, "Limits today").
  @unverified
  Scenario Outline: A Host that names no service gets 404 NR
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app]
        http:
        - route: [{destination: {host: my-app-canary}}]
      """
    When a client sends GET "/" to "<host>"
    Then the proxy answers 404 with response flag "NR"

    Examples: another name, the right name in another namespace, a truncated FQDN
      | host                       |
      | other-app                  |
      | my-app.other               |
      | my-app.default.svc.cluster |

  # Source: SEMANTICS.md 3.6 (config.go ResolveShortnameToFQDN: a short host resolves in the rule's namespace;
  # "Interpretation uses the rule's namespace, not the service's") and 6.1.
  Scenario Outline: A short host resolves in the VirtualService's namespace, not the service's
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
        namespace: <namespace>
      spec:
        hosts: [<vs-host>]
        http:
        - route: [{destination: {host: my-app-canary.default.svc.cluster.local}}]
      """
    When a client sends GET "/" to "my-app"
    Then it is served by version "<version>"

    Examples: v2 when the VirtualService applies to my-app.default; v1 (my-app's default route) when it does not
      | namespace | vs-host                          | version |
      | default   | my-app                           | v2      |
      | other     | my-app                           | v1      |
      | other     | my-app.default.svc.cluster.local | v2      |

  # Source: SEMANTICS.md 3.6 ("Host containing a . is taken verbatim as FQDN: reviews.prod is NOT expanded";
  # istio/istio#15425; 8.5). my-app.default names no service, so my-app.default.svc.cluster.local keeps its
  # default route.
  Scenario Outline: A dotted short host is not expanded, so it does not apply to the service
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app.default]
        http:
        - route: [{destination: {host: my-app-canary}}]
      """
    When a client sends GET "/" to "<host>"
    Then it is served by version "v1"

    Examples:
      | host                             |
      | my-app                           |
      | my-app.default.svc               |
      | my-app.default.svc.cluster.local |

  # Source: istio/istio pilot/pkg/networking/core/route/route.go buildSidecarVirtualHostsForVirtualService (a
  # VirtualService host that names no service gets its own virtual host on port 80, the "gross HACK" of
  # SEMANTICS.md 6.2) and httproute.go BuildSidecarOutboundVirtualHosts/dedupeDomains (VirtualService virtual
  # hosts come first, and a domain stays with the first virtual host that claims it, so my-app's own virtual
  # host loses the domain my-app.default). [INF] from that reading; not stated in SEMANTICS.md.
  @unverified
  Scenario: The dotted host still takes exactly the Host it spells, on port 80
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: my-app
      spec:
        hosts: [my-app.default]
        http:
        - route: [{destination: {host: my-app-canary}}]
      """
    When a client sends GET "/" to "my-app.default"
    Then it is served by version "v2"

  # Source: SEMANTICS.md 6.1 (host.Name.Matches: "*.example.com" matches a.example.com and a.b.example.com, not
  # example.com; istio/istio route.go separateVSHostsAndServices gives a wildcard host every service it covers).
  # The wildcard also covers the suite's probe service meshroute-probe.default; the probe's own VirtualService
  # names it exactly and so keeps it (Istio 1.21+, istio/istio PR #48071; see the next scenario).
  Scenario Outline: A wildcard host applies to every service of the namespace it covers
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: default-namespace
      spec:
        hosts: ["<wildcard>"]
        http:
        - route: [{destination: {host: my-app-canary}}]
      """
    When a client sends GET "/" to "<host>"
    Then it is served by version "<version>"

    Examples:
      | wildcard                    | host                             | version |
      | *.default.svc.cluster.local | my-app                           | v2      |
      | *.default.svc.cluster.local | my-app.default.svc.cluster.local | v2      |
      | *.svc.cluster.local         | my-app.default                   | v2      |
      | *.other.svc.cluster.local   | my-app                           | v1      |

  # Source: istio/istio pilot/pkg/model/sidecar.go computeWildcardHostVirtualServiceIndex + MostSpecificHostMatch,
  # used by route.go separateVSHostsAndServices (PR #48071, Istio 1.21; cherry-picked to 1.19/1.20 patches; the
  # 1.20.3 upgrade in istio/istio#49364): a wildcard VirtualService only takes a service for which it is the most
  # specific match; a VirtualService naming the service exactly beats any wildcard, whatever the order.
  @istio-1.21+
  Scenario Outline: The most specific VirtualService host wins over an earlier, broader wildcard
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: first
      spec:
        hosts: ["*.svc.cluster.local"]
        http:
        - route: [{destination: {host: my-app}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: second
      spec:
        hosts: ["<second-host>"]
        http:
        - route: [{destination: {host: my-app-canary}}]
      """
    When a client sends GET "/" to "my-app"
    Then it is served by version "v2"

    Examples:
      | second-host                 |
      | *.default.svc.cluster.local |
      | my-app                      |

  # Source: SEMANTICS.md 6.2 ("Two mesh VSs claiming the same host: no merge; the first in order wins, others
  # ignored"; istio/istio#36621, #22997, #49589, #7674) and 8.8. On Istio "first" is the oldest resource (then
  # name, then namespace); in the reference it is file order. The names are chosen so that both orders agree.
  Scenario Outline: Two VirtualServices for one host are not merged: the first one wins
    Given the fixture "hosts/conflicting-virtual-services.yaml"
    When a client sends GET "<path>" to "my-app"
    Then it is served by version "v2"

    Examples:
      | path   |
      | /api/x |
      | /other |

  # Source: SEMANTICS.md 6.2 (first wins, no merge) and 1.3 (no match in the winning VirtualService: 404 NR,
  # with no fall-back to the other one). Same order rule as the scenario above.
  Scenario Outline: The winner's rules are all there is: what it does not match is 404, not the loser's
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: first
      spec:
        hosts: [my-app]
        http:
        - match: [{uri: {prefix: /api}}]
          route: [{destination: {host: my-app-canary}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: second
      spec:
        hosts: [my-app]
        http:
        - route: [{destination: {host: my-app}}]
      """
    When a client sends GET "<path>" to "my-app"
    Then the outcome is "<outcome>"

    Examples:
      | path   | outcome |
      | /api/x | v2      |
      | /other | 404 NR  |

  # Source: SEMANTICS.md 3.3 (IST0109 ConflictingMeshGatewayVirtualServiceHosts, Error) and 6.2; istio/istio
  # pkg/config/analysis/analyzers/virtualservice/conflictingmeshgatewayhosts.go (every VirtualService of the
  # conflict is reported, the winner too, naming all of them joined with ","; hosts as util.NewScopedFqdn
  # writes them, "<exportTo scope>/<fqdn>") and pkg/config/analysis/msg/messages.yaml for the text.
  @analysis
  Scenario: Analysis reports IST0109 on every mesh VirtualService of a host claimed twice
    Given the fixture "hosts/conflicting-virtual-services.yaml"
    When the configuration is analyzed
    Then analysis reports IST0109 on "VirtualService default/first" saying "The VirtualServices default/first,default/second associated with mesh gateway define the same host */my-app.default.svc.cluster.local which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource."
    And analysis reports IST0109 on "VirtualService default/second" saying "The VirtualServices default/first,default/second associated with mesh gateway define the same host */my-app.default.svc.cluster.local which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource."

  # Source: istio/istio conflictingmeshgatewayhosts.go (hosts are compared after util.ConvertHostToFQDN, which
  # expands only names without a dot or wildcard: a wildcard and an exact name are different keys; a
  # VirtualService bound only to a gateway is not a mesh VirtualService) and SEMANTICS.md 3.6 (short names
  # resolve in the VirtualService's namespace).
  @analysis
  Scenario Outline: Analysis reports no IST0109 for hosts that differ once resolved, or for gateway-only routes
    Given the configuration:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: first
      spec:
        hosts: [my-app]
        http:
        - route: [{destination: {host: my-app-canary}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: second
        namespace: <namespace>
      spec:
        hosts: ["<second-host>"]
        gateways: [<gateways>]
        http:
        - route: [{destination: {host: my-app.default.svc.cluster.local}}]
      """
    When the configuration is analyzed
    Then analysis reports no IST0109

    Examples:
      | namespace | second-host                 | gateways                |
      | other     | my-app                      | mesh                    |
      | default   | *.default.svc.cluster.local | mesh                    |
      | default   | my-app                      | istio-system/my-gateway |
