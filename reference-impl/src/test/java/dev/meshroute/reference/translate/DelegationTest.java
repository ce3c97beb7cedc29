package dev.meshroute.reference.translate;

import dev.meshroute.reference.config.ConfigLoader;
import dev.meshroute.reference.model.HttpMatchRequest;
import dev.meshroute.reference.model.HttpRoute;
import dev.meshroute.reference.model.MeshConfig;
import dev.meshroute.reference.model.StringMatch;
import dev.meshroute.reference.model.VirtualService;
import dev.meshroute.reference.mutants.Mutant;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static dev.meshroute.reference.testsupport.Fixtures.DR_V1_V2;
import static dev.meshroute.reference.testsupport.Fixtures.SERVICE;
import static dev.meshroute.reference.testsupport.Fixtures.config;
import static dev.meshroute.reference.testsupport.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Delegation (SEMANTICS.md 4.10), checked against istio/istio virtualservice.go's merge rules. */
class DelegationTest {

    /** A VirtualService in {@code namespace}; {@code hosts} is a flow list such as {@code [my-app]} or {@code []}. */
    private static String vs(String name, String namespace, String hosts, String http) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  hosts: %s
                  http:
                %s""".formatted(name, namespace, hosts, http.stripTrailing().indent(2));
    }

    private static String root(String http) {
        return vs("root", "default", "[my-app]", http);
    }

    private static String delegate(String name, String namespace, String http) {
        return vs(name, namespace, "[]", http);
    }

    private static List<VirtualService> apply(String... documents) {
        return Delegation.apply(config(documents).virtualServices());
    }

    private static List<String> names(VirtualService vs) {
        return vs.http().stream().map(HttpRoute::name).toList();
    }

    private static HttpMatchRequest match(String yaml) {
        String doc = vs("m", "default", "[my-app]", """
                - match:
                  - %s
                  route: [{destination: {host: my-app}}]
                """.formatted(yaml));
        return config(doc).virtualServices().get(0).http().get(0).match().get(0);
    }

    private static HttpRoute rule(String yaml) {
        return config(vs("r", "default", "[my-app]", yaml)).virtualServices().get(0).http().get(0);
    }

    private static final String ROOT_WITH_DELEGATE_IN_THE_MIDDLE = root("""
            - name: a
              match: [{uri: {prefix: /a}}]
              route: [{destination: {host: my-app, subset: v1}}]
            - name: d
              match: [{uri: {prefix: /p}}]
              delegate: {name: pp, namespace: team}
            - name: z
              route: [{destination: {host: my-app, subset: v1}}]
            """);

    private static final String PP = delegate("pp", "team", """
            - name: x
              match: [{uri: {prefix: /p/x}}]
              route: [{destination: {host: my-app.default.svc.cluster.local, subset: v2}}]
            - name: y
              route: [{destination: {host: my-app.default.svc.cluster.local, subset: v1}}]
            """);

    // ---- parsing -------------------------------------------------------------------------------------

    @Test
    void parse_delegateAndExportTo_areRead() {
        VirtualService d = config(vs("pp", "team", "[]", """
                - route: [{destination: {host: my-app}}]
                """).replace("  hosts: []\n", "  hosts: []\n  exportTo: [\".\", other]\n"))
                .virtualServices().get(0);
        VirtualService r = config(ROOT_WITH_DELEGATE_IN_THE_MIDDLE).virtualServices().get(0);

        assertTrue(d.isDelegate());
        assertEquals(List.of(".", "other"), d.exportTo());
        assertFalse(r.isDelegate());
        assertEquals("pp", r.http().get(1).delegate().name());
        assertEquals("team", r.http().get(1).delegate().namespace());
        assertNull(r.http().get(0).delegate());
    }

    @Test
    void parse_unknownFieldInDelegate_isAShapeErrorAtItsLine() {
        String text = root("""
                - match: [{uri: {prefix: /p}}]
                  delegate:
                    name: pp
                    nmespace: team
                """);
        ConfigLoader.LoadResult r = ConfigLoader.loadText("root.yaml", text);

        assertEquals(1, r.diagnostics().size(), r.diagnostics().toString());
        assertTrue(r.diagnostics().get(0).message().contains("nmespace"), r.diagnostics().get(0).message());
        assertEquals(dev.meshroute.reference.testsupport.Fixtures.lineOf(text, "nmespace"),
                r.diagnostics().get(0).location().line());
    }

    // ---- which VirtualServices apply ---------------------------------------------------------------

    @Test
    void apply_delegateRulesReplaceTheRootRuleInPlace() {
        List<VirtualService> out = apply(ROOT_WITH_DELEGATE_IN_THE_MIDDLE, PP);

        assertEquals(1, out.size(), "the delegate never applies on its own");
        assertEquals("root", out.get(0).meta().name());
        assertEquals(List.of("a", "d-x", "d-y", "z"), names(out.get(0)));
        assertTrue(out.get(0).http().stream().allMatch(r -> r.delegate() == null));
    }

    @Test
    void apply_mutantAppendsDelegateRulesAfterTheRootRules() {
        List<VirtualService> out = Delegation.apply(config(ROOT_WITH_DELEGATE_IN_THE_MIDDLE, PP).virtualServices(),
                Mutant.DELEGATE_RULES_APPENDED);

        assertEquals(List.of("a", "z", "d-x", "d-y"), names(out.get(0)));
    }

    @Test
    void apply_virtualServiceWithoutDelegateRules_isKeptAsItIs() {
        String plain = vs("plain", "default", "[other]", """
                - route: [{destination: {host: my-app}}]
                """);
        List<VirtualService> in = config(plain, PP).virtualServices();

        assertEquals(List.of(in.get(0)), Delegation.apply(in));
    }

    @Test
    void apply_missingDelegate_dropsOnlyThatRootRule() {
        List<VirtualService> out = apply(ROOT_WITH_DELEGATE_IN_THE_MIDDLE,
                delegate("pp", "elsewhere", "- route: [{destination: {host: my-app}}]"));

        assertEquals(List.of("a", "z"), names(out.get(0)));
    }

    @Test
    void apply_aVirtualServiceWithHostsIsNoDelegate() {
        String named = vs("pp", "team", "[other]", "- {name: x, route: [{destination: {host: my-app}}]}");

        List<VirtualService> out = apply(ROOT_WITH_DELEGATE_IN_THE_MIDDLE, named);

        assertEquals(List.of("a", "z"), names(out.get(0)), "only a VirtualService without hosts can be delegated to");
        assertEquals(List.of("x"), names(out.get(1)), "and it still applies to its own hosts");
    }

    @Test
    void apply_delegateNamespaceDefaultsToTheRootNamespace() {
        String rootNoNamespace = root("""
                - name: d
                  delegate: {name: pp}
                """);
        String inDefault = delegate("pp", "default", "- {name: here, route: [{destination: {host: my-app}}]}");
        String inTeam = delegate("pp", "team", "- {name: there, route: [{destination: {host: my-app}}]}");

        assertEquals(List.of("d-here"), names(apply(rootNoNamespace, inTeam, inDefault).get(0)));
        assertEquals(List.of(), names(apply(rootNoNamespace, inTeam).get(0)));
    }

    @ParameterizedTest(name = "exportTo {0}: visible to the root in default: {1}")
    @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
        "[];true", "['*'];true", "[default];true", "[other, default];true", "['.'];false", "[other];false"})
    void apply_delegateMustBeExportedToTheRootNamespace(String exportTo, boolean visible) {
        String d = PP.replace("  hosts: []\n", "  hosts: []\n  exportTo: " + exportTo + "\n");

        List<String> names = names(apply(ROOT_WITH_DELEGATE_IN_THE_MIDDLE, d).get(0));

        assertEquals(visible ? List.of("a", "d-x", "d-y", "z") : List.of("a", "z"), names);
    }

    @Test
    void apply_privateDelegateInTheRootNamespace_isVisible() {
        String rootLocal = root("""
                - name: d
                  delegate: {name: pp}
                """);
        String d = delegate("pp", "default", "- {name: x, route: [{destination: {host: my-app}}]}")
                .replace("  hosts: []\n", "  hosts: []\n  exportTo: ['.']\n");

        assertEquals(List.of("d-x"), names(apply(rootLocal, d).get(0)));
    }

    @Test
    void apply_twoRootRulesMayDelegateToTheSameVirtualService() {
        String twoRoots = root("""
                - name: one
                  match: [{uri: {prefix: /p}}]
                  delegate: {name: pp, namespace: team}
                - name: two
                  match: [{uri: {prefix: /q}}]
                  delegate: {name: pp, namespace: team}
                """);
        String d = delegate("pp", "team", "- {name: x, route: [{destination: {host: my-app}}]}");

        VirtualService out = apply(twoRoots, d).get(0);

        assertEquals(List.of("one-x", "two-x"), names(out));
        assertEquals("/p", out.http().get(0).match().get(0).uri().value());
        assertEquals("/q", out.http().get(1).match().get(0).uri().value());
    }

    @Test
    void apply_delegateDestinationHostsResolveInTheDelegateNamespace() {
        String root = root("""
                - delegate: {name: pp, namespace: team}
                """);
        String d = delegate("pp", "team", """
                - route:
                  - destination: {host: reviews, subset: v1}
                  - destination: {host: ratings.prod}
                """);

        HttpRoute merged = apply(root, d).get(0).http().get(0);

        assertEquals("reviews.team.svc.cluster.local", merged.route().get(0).destination().host());
        assertEquals("v1", merged.route().get(0).destination().subset());
        assertEquals("ratings.prod", merged.route().get(1).destination().host(), "a dotted name is taken verbatim");
    }

    // ---- merging one rule ------------------------------------------------------------------------------

    @Test
    void mergeHttpRoute_routeLevelFieldsComeFromTheRootOnlyWhereTheDelegateLeavesThemUnset() {
        HttpRoute root = rule("""
                - name: r
                  match: [{uri: {prefix: /p}}]
                  timeout: 2s
                  rewrite: {uri: /new}
                  fault: {abort: {httpStatus: 418, percentage: {value: 100}}}
                  corsPolicy: {allowOrigins: [{exact: "https://a.example"}]}
                  headers: {request: {set: {x-root: "1"}}}
                  route: [{destination: {host: my-app}}]
                """);
        HttpRoute leaf = rule("""
                - name: l
                  timeout: 1s
                  headers: {request: {set: {x-leaf: "1"}}}
                  route: [{destination: {host: my-app, subset: v2}}]
                """);

        HttpRoute merged = Delegation.mergeHttpRoute(root, leaf);

        assertEquals("r-l", merged.name());
        assertEquals(1000L, merged.timeoutMillis());
        assertEquals("/new", merged.rewrite().uri());
        assertEquals(418, merged.fault().abortStatus());
        assertEquals("https://a.example", merged.corsPolicy().allowOrigins().get(0).value());
        assertEquals(Map.of("x-leaf", "1"), merged.headers().requestSet(), "headers replace, never merge");
        assertEquals("v2", merged.route().get(0).destination().subset());
        assertEquals(root.match(), merged.match(), "a delegate rule without match inherits the root's");
        assertEquals(leaf.location(), merged.location());
    }

    @Test
    void mergeHttpRoute_rootDirectResponseIsInheritedToo() {
        HttpRoute root = rule("""
                - directResponse: {status: 503}
                """);
        HttpRoute leaf = rule("- route: [{destination: {host: my-app}}]");

        assertEquals(503, Delegation.mergeHttpRoute(root, leaf).directResponse().status());
    }

    @ParameterizedTest(name = "root name {0}, delegate name {1} -> {2}")
    @CsvSource({"r,l,r-l", "r,,r", ",l,l", ",,"})
    void mergeHttpRoute_names(String rootName, String leafName, String expected) {
        HttpRoute root = rule(rootName == null ? "- route: [{destination: {host: my-app}}]"
                : "- {name: " + rootName + ", route: [{destination: {host: my-app}}]}");
        HttpRoute leaf = rule(leafName == null ? "- route: [{destination: {host: my-app}}]"
                : "- {name: " + leafName + ", route: [{destination: {host: my-app}}]}");

        assertEquals(expected, Delegation.mergeHttpRoute(root, leaf).name());
    }

    @Test
    void mergeHttpRoute_conflictingMatches_dropTheDelegateRule() {
        HttpRoute root = rule("- {match: [{uri: {prefix: /productpage}}], route: [{destination: {host: my-app}}]}");
        HttpRoute leaf = rule("- {match: [{uri: {prefix: /other}}], route: [{destination: {host: my-app}}]}");

        assertNull(Delegation.mergeHttpRoute(root, leaf));
    }

    @Test
    void mergeHttpRoutes_dropsOnlyTheConflictingDelegateRule() {
        String root = root("""
                - name: d
                  match: [{uri: {prefix: /productpage}}]
                  delegate: {name: pp, namespace: team}
                """);
        String d = delegate("pp", "team", """
                - {name: v1, match: [{uri: {prefix: /productpage/v1}}], route: [{destination: {host: my-app}}]}
                - {name: other, match: [{uri: {prefix: /other}}], route: [{destination: {host: my-app}}]}
                - {name: rest, route: [{destination: {host: my-app}}]}
                """);

        assertEquals(List.of("d-v1", "d-rest"), names(apply(root, d).get(0)));
    }

    // ---- merging matches ---------------------------------------------------------------------------------

    @Test
    void mergeMatches_eachDelegateMatchPairsWithEveryRootMatchItFits() {
        List<HttpMatchRequest> root = List.of(match("{uri: {prefix: /a}}"),
                match("{headers: {x-env: {exact: prod}}}"), match("{uri: {prefix: /b}}"));
        List<HttpMatchRequest> leaf = List.of(match("{uri: {prefix: /a/v1}}"));

        List<HttpMatchRequest> out = Delegation.mergeMatches(root, leaf);

        assertEquals(2, out.size(), out.toString());
        assertEquals("/a/v1", out.get(0).uri().value());
        assertEquals(Map.of(), out.get(0).headers());
        assertEquals("/a/v1", out.get(1).uri().value());
        assertEquals("prod", out.get(1).headers().get("x-env").value());
    }

    @Test
    void mergeMatches_oneDelegateMatchFittingNoRootMatch_makesTheWholeRuleConflict() {
        List<HttpMatchRequest> root = List.of(match("{uri: {prefix: /a}}"));
        List<HttpMatchRequest> leaf = List.of(match("{uri: {prefix: /a/v1}}"), match("{uri: {prefix: /b}}"));

        assertNull(Delegation.mergeMatches(root, leaf));
    }

    @Test
    void mergeMatches_anEmptySideTakesTheOther() {
        List<HttpMatchRequest> some = List.of(match("{uri: {prefix: /a}}"));

        assertEquals(some, Delegation.mergeMatches(List.of(), some));
        assertEquals(some, Delegation.mergeMatches(some, List.of()));
    }

    @Test
    void mergeMatch_delegateConditionsWinAndTheRootFillsTheRest() {
        HttpMatchRequest root = match("""
                {name: r, uri: {prefix: /p}, method: {exact: GET}, port: 80,
                     headers: {x-a: {exact: root}, x-b: {exact: root}}, withoutHeaders: {x-w: {}},
                     queryParams: {q: {exact: "1"}}, sourceLabels: {app: client}, sourceNamespace: default}""");
        HttpMatchRequest leaf = match("""
                {name: l, uri: {prefix: /p/v1}, headers: {x-b: {exact: leaf}, x-c: {exact: leaf}},
                     queryParams: {r: {exact: "2"}}, sourceLabels: {tier: web}, sourceNamespace: default}""");

        HttpMatchRequest m = Delegation.mergeMatch(root, leaf);

        assertEquals("r-l", m.name());
        assertEquals(new StringMatch(StringMatch.Kind.PREFIX, "/p/v1", leaf.uri().location()), m.uri());
        assertEquals("GET", m.method().value());
        assertEquals(80, m.port());
        assertEquals("root", m.headers().get("x-a").value());
        assertEquals("leaf", m.headers().get("x-b").value());
        assertEquals("leaf", m.headers().get("x-c").value());
        assertEquals(List.of("x-w"), List.copyOf(m.withoutHeaders().keySet()));
        assertEquals(List.of("q", "r"), List.copyOf(m.queryParams().keySet()));
        assertEquals(Map.of("app", "client", "tier", "web"), m.sourceLabels());
        assertEquals("default", m.sourceNamespace());
    }

    // ---- conflicts ---------------------------------------------------------------------------------------

    /** {@code stringMatchConflict}; "-" is an unset match. */
    @ParameterizedTest(name = "root {0}, delegate {1}: conflict {2}")
    @CsvSource(delimiter = ';', value = {
        "-;                  {prefix: /a};   false",
        "{prefix: /a};       -;              false",
        "{prefix: /a};       {prefix: /a};   false",
        "{prefix: /a};       {prefix: /a/b}; false",
        "{prefix: /a};       {prefix: /ab};  false",
        "{prefix: /a/b};     {prefix: /a};   true",
        "{prefix: /a};       {prefix: /b};   true",
        "{prefix: /a};       {exact: /a/x};  false",
        "{prefix: /a};       {exact: /b};    true",
        "{exact: /a};        {exact: /a};    false",
        "{exact: /a};        {exact: /b};    true",
        "{exact: /a};        {prefix: /a};   true",
        "{regex: /a.*};      {regex: /a.*};  true",
        "{regex: /a.*};      {prefix: /a};   true",
        "{prefix: /a};       {regex: /a.*};  true",
        "-;                  {regex: /a.*};  false",
        "{prefix: /};        {prefix: /x};   false",
        "{prefix: /a};       {};             true",
    })
    void conflict_uri(String rootUri, String leafUri, boolean conflict) {
        HttpMatchRequest root = match(rootUri.equals("-") ? "{name: none}" : "{uri: " + rootUri + "}");
        HttpMatchRequest leaf = match(leafUri.equals("-") ? "{name: none}" : "{uri: " + leafUri + "}");

        assertEquals(conflict, Delegation.hasConflict(root, leaf));
        assertEquals(conflict, Delegation.conflict(root.uri(), leaf.uri()));
    }

    @ParameterizedTest(name = "root {0}, delegate {1}: conflict {2}")
    @CsvSource(delimiter = ';', value = {
        "{headers: {x: {exact: a}}};            {headers: {x: {exact: a}}};       false",
        "{headers: {x: {exact: a}}};            {headers: {x: {exact: b}}};       true",
        "{headers: {x: {exact: a}}};            {headers: {y: {exact: b}}};       false",
        "{headers: {x: {prefix: a}}};           {headers: {x: {exact: ab}}};      false",
        "{headers: {x: {}}};                    {headers: {x: {exact: a}}};       true",
        "{withoutHeaders: {x: {exact: a}}};     {withoutHeaders: {x: {exact: b}}}; true",
        "{queryParams: {q: {exact: a}}};        {queryParams: {q: {exact: b}}};   true",
        "{method: {exact: GET}};                {method: {exact: POST}};          true",
        "{authority: {prefix: a}};              {authority: {exact: ab}};         false",
        "{scheme: {exact: http}};               {name: none};                     false",
        "{ignoreUriCase: true, uri: {prefix: /a}}; {uri: {prefix: /a}};           true",
        "{ignoreUriCase: true, uri: {prefix: /a}}; {ignoreUriCase: true, uri: {prefix: /a}}; false",
        "{port: 80};                            {port: 8080};                     true",
        "{port: 80};                            {port: 80};                       false",
        "{name: none};                          {port: 8080};                     false",
        "{sourceNamespace: a};                  {sourceNamespace: a};             false",
        "{sourceNamespace: a};                  {sourceNamespace: b};             true",
        "{sourceNamespace: a};                  {name: none};                     true",
        "{name: none};                          {sourceNamespace: b};             false",
        "{sourceLabels: {app: a}};              {sourceLabels: {app: b}};         true",
        "{sourceLabels: {app: a}};              {sourceLabels: {tier: b}};        false",
        "{gateways: [mesh, gw]};                {gateways: [mesh]};               false",
        "{gateways: [mesh]};                    {gateways: [mesh, gw]};           true",
        "{gateways: [mesh]};                    {gateways: [gw]};                 true",
        "{name: none};                          {gateways: [gw]};                 false",
    })
    void hasConflict_otherConditions(String root, String leaf, boolean conflict) {
        assertEquals(conflict, Delegation.hasConflict(match(root), match(leaf)));
    }

    // ---- through the translator ----------------------------------------------------------------------

    @Test
    void translate_rootRoutesCarryTheMergedRulesInPlace() {
        MeshConfig cfg = config(SERVICE, DR_V1_V2, ROOT_WITH_DELEGATE_IN_THE_MIDDLE, PP);

        XdsResources x = XdsTranslator.translate(cfg, List.of(pod("v1", "v1", 1), pod("v2", "v2", 2)),
                ClientProxy.DEFAULT);

        RouteConfiguration rc = x.routes().stream().filter(r -> r.getName().equals("80")).findFirst().orElseThrow();
        assertEquals(1, rc.getVirtualHostsCount(), "a delegate makes no virtual host of its own");
        List<Route> routes = rc.getVirtualHosts(0).getRoutesList();
        assertEquals(List.of("a", "d-x", "d-y", "z"), routes.stream().map(Route::getName).toList());
        assertEquals("/p/x", routes.get(1).getMatch().getPrefix());
        assertEquals("/p", routes.get(2).getMatch().getPrefix());
        assertEquals("outbound|80|v2|my-app.default.svc.cluster.local", routes.get(1).getRoute().getCluster());
    }

    @Test
    void translate_rootLeftWithoutRules_leavesTheServiceItsDefaultRoute() {
        String onlyDelegating = root("""
                - delegate: {name: missing}
                """);

        XdsResources x = XdsTranslator.translate(config(SERVICE, onlyDelegating), List.of(), ClientProxy.DEFAULT);

        List<Route> routes = x.routes().get(0).getVirtualHosts(0).getRoutesList();
        assertEquals(List.of("default"), routes.stream().map(Route::getName).toList());
    }
}
