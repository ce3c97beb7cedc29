package dev.meshroute.reference.dataplane;

import dev.meshroute.reference.mutants.Mutant;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Envoy's redirect location and status (RouteEntryImplBase::newUri; SEMANTICS.md 4.1). */
class RedirectTest {

    private static RouteDecision.LocalReply redirect(RedirectAction action, String host, String path) {
        return RouteTable.redirect("r", action, new HttpRequestHead("GET", path, host, "http", List.of()),
                Mutant.NONE);
    }

    private static String location(RouteDecision.LocalReply reply) {
        return reply.headers().get("location");
    }

    @Test
    void redirect_pathAndHost_replaceBothAndKeepTheQuery() {
        RedirectAction a = RedirectAction.newBuilder().setPathRedirect("/v1/bookRatings")
                .setHostRedirect("newratings.default.svc.cluster.local").build();
        RouteDecision.LocalReply reply = redirect(a, "ratings", "/v1/getProductRatings?x=1");
        assertEquals(301, reply.status());
        assertEquals("http://newratings.default.svc.cluster.local/v1/bookRatings?x=1", location(reply));
        assertEquals("", reply.body());
    }

    @Test
    void redirect_pathWithItsOwnQuery_replacesTheRequestQuery() {
        RedirectAction a = RedirectAction.newBuilder().setPathRedirect("/moved?from=b").build();
        assertEquals("http://my-app/moved?from=b", location(redirect(a, "my-app", "/b?x=1")));
    }

    @Test
    void redirect_hostOnly_keepsPathAndQuery() {
        RedirectAction a = RedirectAction.newBuilder().setHostRedirect("www.example.com").build();
        assertEquals("http://www.example.com/shop?id=7", location(redirect(a, "my-app:80", "/shop?id=7")));
    }

    @Test
    void redirect_port_replacesTheHostsPort() {
        RedirectAction a = RedirectAction.newBuilder().setPortRedirect(8443).build();
        assertEquals("http://my-app:8443/x", location(redirect(a, "my-app:80", "/x")));
        assertEquals("http://my-app:8443/x", location(redirect(a, "my-app", "/x")));
    }

    @Test
    void redirect_schemeToHttps_dropsPort80ButKeepsOthers() {
        RedirectAction a = RedirectAction.newBuilder().setSchemeRedirect("https").build();
        assertEquals("https://my-app/x", location(redirect(a, "my-app:80", "/x")));
        assertEquals("https://my-app:8080/x", location(redirect(a, "my-app:8080", "/x")));
    }

    @Test
    void redirect_responseCodes_mapToTheirStatus() {
        Map<RedirectAction.RedirectResponseCode, Integer> codes = Map.of(
                RedirectAction.RedirectResponseCode.MOVED_PERMANENTLY, 301,
                RedirectAction.RedirectResponseCode.FOUND, 302,
                RedirectAction.RedirectResponseCode.SEE_OTHER, 303,
                RedirectAction.RedirectResponseCode.TEMPORARY_REDIRECT, 307,
                RedirectAction.RedirectResponseCode.PERMANENT_REDIRECT, 308);
        codes.forEach((code, status) -> assertEquals(status, redirect(RedirectAction.newBuilder()
                .setPathRedirect("/p").setResponseCode(code).build(), "h", "/").status()));
    }

    @Test
    void redirect_mutants_doWhatTheirNamesSay() {
        RedirectAction a = RedirectAction.newBuilder().setPathRedirect("/moved")
                .setResponseCode(RedirectAction.RedirectResponseCode.FOUND).build();
        HttpRequestHead request = new HttpRequestHead("GET", "/a?x=1", "my-app", "http", List.of());
        assertEquals(301, RouteTable.redirect("r", a, request, Mutant.REDIRECT_ALWAYS_301).status());
        assertEquals("http://my-app/moved",
                RouteTable.redirect("r", a, request, Mutant.REDIRECT_DROPS_QUERY).headers().get("location"));
    }
}
