package dev.meshroute.reference.validation;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.meshroute.reference.model.Destination;
import dev.meshroute.reference.model.DestinationRule;
import dev.meshroute.reference.model.Diagnostic;
import dev.meshroute.reference.model.Gateway;
import dev.meshroute.reference.model.HeaderOperations;
import dev.meshroute.reference.model.HttpDirectResponse;
import dev.meshroute.reference.model.HttpFault;
import dev.meshroute.reference.model.HttpMatchRequest;
import dev.meshroute.reference.model.HttpMirror;
import dev.meshroute.reference.model.HttpRedirect;
import dev.meshroute.reference.model.HttpRetry;
import dev.meshroute.reference.model.HttpRewrite;
import dev.meshroute.reference.model.HttpRoute;
import dev.meshroute.reference.model.HttpRouteDestination;
import dev.meshroute.reference.model.Resource;
import dev.meshroute.reference.model.SourceLocation;
import dev.meshroute.reference.model.StringMatch;
import dev.meshroute.reference.model.Subset;
import dev.meshroute.reference.model.VirtualService;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Istio's admission validation for the fields meshroute reads ({@code pkg/config/validation}): it
 * collects every error of a resource, not just the first. A resource with an error is rejected.
 */
public final class Validator {

    /** Istio's limit on regex length ({@code validateStringRegexp}). */
    static final int MAX_REGEX_LENGTH = 1024;
    /** Istio's route configuration sets {@code max_direct_response_body_size_bytes} to 1 MiB. */
    static final int MAX_DIRECT_RESPONSE_BODY = 1024 * 1024;

    /**
     * A DNS-1123 label, {@code [a-z0-9]([-a-z0-9]*[a-z0-9])?}, checked character by character: every destination
     * host is split into labels on every push, and a regex match per label was most of validating a
     * VirtualService of thousands of rules.
     */
    static boolean isDns1123Label(String s) {
        if (s.isEmpty() || s.charAt(0) == '-' || s.charAt(s.length() - 1) == '-') {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return true;
    }
    /** RFC 7230 token characters: what Istio accepts as a header name. */
    private static final com.google.re2j.Pattern HEADER_NAME =
            com.google.re2j.Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");

    private Validator() {
    }

    public static List<Diagnostic> validate(Resource resource) {
        List<Diagnostic> out = new ArrayList<>();
        if (resource instanceof VirtualService vs) {
            new VsCheck(vs, out).run();
        } else if (resource instanceof DestinationRule dr) {
            validateDestinationRule(dr, out);
        } else if (resource instanceof Gateway gw) {
            GatewayValidator.validate(gw, out);
        }
        return out;
    }

    private static final class VsCheck {
        private final VirtualService vs;
        private final List<Diagnostic> out;

        VsCheck(VirtualService vs, List<Diagnostic> out) {
            this.vs = vs;
            this.out = out;
        }

        void run() {
            // A VirtualService without hosts is a delegate (validation.go ValidateVirtualService).
            if (vs.isDelegate() && !vs.gateways().isEmpty()) {
                error(vs.location(), "spec.gateways: delegate virtual service must have no gateways specified");
            }
            GatewayValidator.validateGatewayNames(vs.gateways(), "spec.gateways", vs.key(), vs.location(), out);
            int before = out.size();
            for (String host : vs.hosts()) {
                validateHost(host, "spec.hosts", vs.location(), out, vs.key());
                if (host.equals("*") && (vs.gateways().isEmpty() || vs.gateways().contains("mesh"))) {
                    error(vs.location(), "spec.hosts: wildcard host * is not allowed for virtual services bound to"
                            + " the mesh gateway");
                }
            }
            // Duplicates include overlapping wildcards: *.foo.com and a.foo.com (validation.go, host.Name.Matches);
            // Istio only looks for them when every host is valid.
            if (out.size() == before) {
                List<String> seen = new ArrayList<>();
                for (String host : vs.hosts()) {
                    String h = host.toLowerCase();
                    if (seen.stream().anyMatch(earlier -> overlaps(earlier, h))) {
                        error(vs.location(), "spec.hosts: duplicate hosts in virtual service: " + host);
                    }
                    seen.add(h);
                }
            }
            for (int i = 0; i < vs.http().size(); i++) {
                rule(vs.http().get(i), "spec.http[" + i + "]");
            }
        }

        private void rule(HttpRoute rule, String path) {
            // validateHTTPRouteConflict: a root rule (one that delegates) is only checked for route and redirect
            boolean root = !vs.isDelegate() && rule.delegate() != null;
            if (vs.isDelegate() && rule.delegate() != null) {
                error(rule.delegate().location(), path + ".delegate: delegate HTTP route cannot contain delegate"
                        + " (only one level of delegation)");
            }
            if (root) {
                if (rule.redirect() != null) {
                    error(rule.location(), path + ": root HTTP route must not specify redirect; its rules come from"
                            + " the delegate");
                }
                if (!rule.route().isEmpty()) {
                    error(rule.location(), path + ": root HTTP route must not specify route; its rules come from"
                            + " the delegate");
                }
            }
            actions(rule, path, !root);
            for (int i = 0; i < rule.match().size(); i++) {
                match(rule.match().get(i), path + ".match[" + i + "]");
            }
            long sum = 0;
            for (int i = 0; i < rule.route().size(); i++) {
                HttpRouteDestination d = rule.route().get(i);
                String at = path + ".route[" + i + "]";
                if (d.weightOrZero() < 0) {
                    error(d.location(), at + ".weight: weight " + d.weight() + " < 0; weights must be 0 or more");
                }
                sum += d.weightOrZero();
                destination(d.destination(), d.location(), at + ".destination");
            }
            if (rule.route().size() > 1 && sum == 0) {
                error(rule.location(), path + ".route: total destination weight = 0; give at least one"
                        + " destination a positive weight");
            }
            if (sum > Integer.MAX_VALUE) {
                error(rule.location(), path + ".route: total destination weight " + sum + " overflows 32 bits");
            }
        }

        /** {@code validateDestination}: a valid host, and a valid subset name and port when given. */
        private void destination(Destination d, SourceLocation location, String at) {
            if (d == null || d.host() == null || d.host().isEmpty()) {
                error(location, at + ".host is required");
                return;
            }
            validateHost(d.host(), at + ".host", location, out, vs.key());
            String subset = d.subset();
            if (subset != null && !isDns1123Label(subset)) {
                error(location, at + ".subset: '" + subset
                        + "' is not a valid subset name (a DNS-1123 label: lower case, digits, '-')");
            }
            Integer port = d.port();
            if (port != null && (port < 1 || port > 65535)) {
                error(location, at + ".port.number: " + port + " is not a port (1-65535)");
            }
        }

        /** {@code ValidateHTTPRetry} (pkg/config/validation/agent). */
        private void retries(HttpRetry retries, String path) {
            if (retries == null) {
                return;
            }
            if (retries.attemptsOrZero() < 0) {
                error(retries.location(), path + ".attempts: attempts cannot be negative");
            }
            if (retries.attemptsOrZero() == 0 && (retries.perTryTimeoutMillis() != null || retries.retryOn() != null
                    || retries.retryRemoteLocalities() != null)) {
                error(retries.location(), path + ": http retry policy configured when attempts are set to 0"
                        + " (disabled); set attempts, or remove perTryTimeout/retryOn/retryRemoteLocalities");
            }
            if (retries.perTryTimeoutMillis() != null && retries.perTryTimeoutMillis() < 1) {
                error(retries.location(), path + ".perTryTimeout: must be at least 1ms");
            }
            if (retries.backoffMillis() != null && retries.backoffMillis() < 1) {
                error(retries.location(), path + ".backoff: must be at least 1ms");
            }
            if (retries.retryOn() != null) {
                for (String policy : retries.retryOn().split(",", -1)) {
                    if (!RETRY_ON.contains(policy) && !isHttpStatus(policy)) {
                        error(retries.location(), path + ".retryOn: '" + policy + "' is not a valid retryOn"
                                + " policy; use Envoy retry conditions (5xx, gateway-error, reset, connect-failure,"
                                + " retriable-4xx, refused-stream, retriable-status-codes, ...) or HTTP status codes");
                    }
                }
            }
        }

        /** validateHTTPRoute's mirror checks and {@code validateHTTPMirrors}. */
        private void mirrors(HttpRoute rule, String path) {
            if (rule.mirror() != null && !rule.mirrors().isEmpty()) {
                error(rule.location(), path + ": HTTP route cannot contain both mirror and mirrors");
            }
            if (rule.mirror() != null) {
                destination(rule.mirror().destination(), rule.mirror().location(), path + ".mirror");
                mirrorPercentage(rule.mirror(), path + ".mirrorPercentage");
            }
            for (int i = 0; i < rule.mirrors().size(); i++) {
                HttpMirror m = rule.mirrors().get(i);
                if (m.destination() != null) {
                    destination(m.destination(), m.location(), path + ".mirrors[" + i + "].destination");
                }
                mirrorPercentage(m, path + ".mirrors[" + i + "].percentage");
            }
        }

        private void mirrorPercentage(HttpMirror m, String path) {
            if (m.percentage() != null && m.percentage() > 100) {
                error(m.location(), path + ": mirror percentage must have a max value of 100 (it has "
                        + m.percentage() + ")");
            }
            if (m.percentage() != null && m.percentage() < 0) {
                error(m.location(), path + ": mirror percentage must have a min value of 0 (it has "
                        + m.percentage() + ")");
            }
        }

        /**
         * validateHTTPRouteConflict ({@code conflicts} false for a root rule, which Istio checks only for route
         * and redirect), validateHTTPRedirect, validateHTTPDirectResponse.
         */
        private void actions(HttpRoute rule, String path, boolean conflicts) {
            retries(rule.retries(), path + ".retries");
            mirrors(rule, path);
            boolean route = !rule.route().isEmpty();
            HttpRedirect redirect = rule.redirect();
            HttpDirectResponse direct = rule.directResponse();
            if (conflicts && !route && redirect == null && direct == null) {
                error(rule.location(), path + ": HTTP route, redirect or direct_response is required");
            }
            if (conflicts && redirect != null && route) {
                error(rule.location(), path + ": HTTP route cannot contain both route and redirect");
            }
            if (conflicts && direct != null && route) {
                error(rule.location(), path + ": HTTP route cannot contain both route and direct_response");
            }
            if (conflicts && direct != null && redirect != null) {
                error(rule.location(), path + ": HTTP route cannot contain both redirect and direct_response");
            }
            if (redirect != null) {
                if (isEmpty(redirect.uri()) && isEmpty(redirect.authority()) && isEmpty(redirect.scheme())
                        && redirect.port() == null) {
                    error(redirect.location(), path + ".redirect: redirect must specify URI, authority, scheme or"
                            + " port");
                }
                if (redirect.redirectCode() != 0 && (redirect.redirectCode() < 300 || redirect.redirectCode() > 399)) {
                    error(redirect.location(), path + ".redirect.redirectCode: " + redirect.redirectCode()
                            + " is not a valid redirect code, must be 3xx");
                }
                if (!isEmpty(redirect.scheme()) && !redirect.scheme().equals("http")
                        && !redirect.scheme().equals("https")) {
                    error(redirect.location(), path + ".redirect.scheme: '" + redirect.scheme()
                            + "' is not a valid scheme; use http or https");
                }
                if (redirect.port() != null && (redirect.port() < 1 || redirect.port() > 65535)) {
                    error(redirect.location(), path + ".redirect.port: " + redirect.port()
                            + " is not a port (1-65535)");
                }
            }
            if (rule.timeoutMillis() != null && rule.timeoutMillis() < 1) {
                error(rule.location(), path + ".timeout: must be at least 1ms");
            }
            HttpFault fault = rule.fault();
            if (fault != null) {
                if (conflicts && redirect != null) {
                    error(rule.location(), path + ": HTTP route cannot contain both fault and redirect");
                }
                if (conflicts && direct != null) {
                    error(rule.location(), path + ": HTTP route cannot contain both fault and direct_response");
                }
                if (fault.delayMillis() == null && fault.abortStatus() == null) {
                    error(fault.location(), path + ".fault: HTTP fault injection must have an abort and/or a delay");
                }
                if (fault.abortStatus() != null && (fault.abortStatus() < 200 || fault.abortStatus() > 600)) {
                    error(fault.location(), path + ".fault.abort.httpStatus: invalid http status "
                            + fault.abortStatus() + "; use 200-599");
                }
                if (fault.delayMillis() != null && fault.delayMillis() < 1) {
                    error(fault.location(), path + ".fault.delay.fixedDelay: must be at least 1ms");
                }
                for (Double p : new Double[] {fault.delayPercentage(), fault.abortPercentage()}) {
                    if (p != null && (p < 0 || p > 100)) {
                        error(fault.location(), path + ".fault: percentage " + p + " is not in range 0..100");
                    }
                }
            }
            headerOperations(rule.headers(), path + ".headers");
            for (int i = 0; i < rule.route().size(); i++) {
                headerOperations(rule.route().get(i).headers(), path + ".route[" + i + "].headers");
            }
            if (rule.corsPolicy() != null) {
                List<StringMatch> origins = rule.corsPolicy().allowOrigins();
                for (int i = 0; i < origins.size(); i++) {
                    StringMatch o = origins.get(i);
                    String at = path + ".corsPolicy.allowOrigins[" + i + "]";
                    if (o.kind() == StringMatch.Kind.PRESENT || o.value().isEmpty()) {
                        error(o.location(), at + ": an origin needs a non-empty exact, prefix or regex");
                    } else {
                        stringMatch(o, at, false);
                    }
                }
            }
            HttpRewrite rewrite = rule.rewrite();
            if (rewrite != null) {
                if (conflicts && redirect != null) {
                    error(rule.location(), path + ": HTTP route rule cannot contain both rewrite and redirect");
                }
                if (conflicts && direct != null) {
                    error(rule.location(), path + ": HTTP route rule cannot contain both rewrite and direct_response");
                }
                boolean regex = rewrite.regexMatch() != null;
                if (isEmpty(rewrite.uri()) && isEmpty(rewrite.authority()) && !regex) {
                    error(rewrite.location(), path + ".rewrite: rewrite must specify URI, authority, or"
                            + " uriRegexRewrite");
                }
                if (!isEmpty(rewrite.uri()) && regex) {
                    error(rewrite.location(), path + ".rewrite: rewrite may only contain one of URI or"
                            + " uriRegexRewrite");
                }
                if (regex) {
                    if (rewrite.regexMatch().isEmpty() || rewrite.regexRewrite().isEmpty()) {
                        error(rewrite.location(), path + ".rewrite.uriRegexRewrite: match and rewrite are both"
                                + " required");
                    } else {
                        validateRegex(rewrite.regexMatch(), path + ".rewrite.uriRegexRewrite.match",
                                rewrite.location(), out, vs.key());
                    }
                }
            }
            if (direct != null) {
                if (direct.status() < 200 || direct.status() > 599) {
                    error(direct.location(), path + ".directResponse.status: " + direct.status()
                            + " is not a valid HTTP status; use 200-599");
                }
                if (direct.body() != null && direct.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                        > MAX_DIRECT_RESPONSE_BODY) {
                    error(direct.location(), path + ".directResponse.body: larger than 1 MiB, the limit Envoy is"
                            + " given (max_direct_response_body_size_bytes)");
                }
            }
        }

        /** Header names must be tokens; pseudo-headers and host may only be set as the request's authority. */
        private void headerOperations(HeaderOperations ops, String path) {
            if (ops == null) {
                return;
            }
            checkNames(ops.requestSet().keySet(), path + ".request.set", true, ops.location());
            checkNames(ops.requestAdd().keySet(), path + ".request.add", true, ops.location());
            checkNames(ops.requestRemove(), path + ".request.remove", false, ops.location());
            checkNames(ops.responseSet().keySet(), path + ".response.set", false, ops.location());
            checkNames(ops.responseAdd().keySet(), path + ".response.add", false, ops.location());
            checkNames(ops.responseRemove(), path + ".response.remove", false, ops.location());
        }

        private void checkNames(java.util.Collection<String> names, String path, boolean authorityAllowed,
                                SourceLocation at) {
            for (String name : names) {
                String lower = name.toLowerCase(java.util.Locale.ROOT);
                boolean authority = lower.equals("host") || lower.equals(":authority");
                if (authority && !authorityAllowed) {
                    error(at, path + ": '" + name + "' cannot be changed here; only request set/add may rewrite"
                            + " the authority");
                } else if (!authority && (name.startsWith(":") || !HEADER_NAME.matcher(name).matches())) {
                    error(at, path + ": '" + name + "' is not a header name that can be changed");
                }
            }
        }

        private static boolean isEmpty(String s) {
            return s == null || s.isEmpty();
        }

        private void match(HttpMatchRequest m, String path) {
            stringMatch(m.uri(), path + ".uri", true);
            stringMatch(m.scheme(), path + ".scheme", false);
            stringMatch(m.method(), path + ".method", false);
            stringMatch(m.authority(), path + ".authority", false);
            headers(m.headers(), path + ".headers", false);
            headers(m.withoutHeaders(), path + ".withoutHeaders", true);
            for (Map.Entry<String, StringMatch> q : m.queryParams().entrySet()) {
                stringMatch(q.getValue(), path + ".queryParams." + q.getKey(), false);
            }
            if (m.port() != null && (m.port() < 1 || m.port() > 65535)) {
                error(m.location(), path + ".port: " + m.port() + " is not a port (1-65535)");
            }
            GatewayValidator.validateGatewayNames(m.gateways(), path + ".gateways", vs.key(), m.location(), out);
        }

        private void headers(Map<String, StringMatch> headers, String path, boolean without) {
            for (Map.Entry<String, StringMatch> h : headers.entrySet()) {
                String name = h.getKey();
                String bare = name.startsWith(":") ? name.substring(1) : name;
                if (!HEADER_NAME.matcher(bare).matches()) {
                    error(h.getValue().location(), path + ": header name '" + name + "' is not a valid header name");
                }
                // Istio lets withoutHeaders use regex "*" as "present" (it is not valid RE2); headers may not.
                if (without && h.getValue().kind() == StringMatch.Kind.REGEX && "*".equals(h.getValue().value())) {
                    continue;
                }
                stringMatch(h.getValue(), path + "." + name, false);
            }
        }

        private void stringMatch(StringMatch m, String path, boolean uri) {
            if (m == null) {
                return;
            }
            switch (m.kind()) {
                case REGEX -> validateRegex(m.value(), path + ".regex", m.location(), out, vs.key());
                case PREFIX -> {
                    if (!uri && m.value().isEmpty()) {
                        error(m.location(), path + ".prefix: empty prefix match is not allowed; use {} to match"
                                + " any value");
                    }
                }
                case EXACT, PRESENT -> {
                }
            }
        }

        private void error(SourceLocation at, String message) {
            out.add(Diagnostic.error(vs.key(), at, message));
        }
    }

    /** Istio's {@code supportedRetryOnPolicies}: Envoy's x-envoy-retry-on and x-envoy-retry-grpc-on values. */
    private static final Set<String> RETRY_ON = Set.of("5xx", "gateway-error", "reset", "reset-before-request",
            "connect-failure", "retriable-4xx", "refused-stream", "retriable-status-codes", "retriable-headers",
            "envoy-ratelimited", "http3-post-connect-failure", "cancelled", "deadline-exceeded", "internal",
            "resource-exhausted", "unavailable");

    /** Go's {@code http.StatusText(code) != ""}: a status code the HTTP standard names. */
    public static boolean isHttpStatus(String token) {
        try {
            return HTTP_STATUS_CODES.contains(Integer.parseInt(token));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static final Set<Integer> HTTP_STATUS_CODES = Set.of(100, 101, 102, 103, 200, 201, 202, 203, 204, 205,
            206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408,
            409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451, 500,
            501, 502, 503, 504, 505, 506, 507, 508, 510, 511);

    /** Istio's {@code host.Name.Matches}: equal names, or a wildcard whose suffix the other name ends with. */
    static boolean overlaps(String a, String b) {
        boolean aWild = a.startsWith("*");
        boolean bWild = b.startsWith("*");
        if (aWild && bWild) {
            return a.length() < b.length()
                    ? b.substring(1).endsWith(a.substring(1))
                    : a.substring(1).endsWith(b.substring(1));
        }
        if (aWild) {
            return b.endsWith(a.substring(1));
        }
        if (bWild) {
            return a.endsWith(b.substring(1));
        }
        return a.equals(b);
    }

    /** A regex must be non-empty, at most 1,024 characters, and compile as RE2 (no lookaround, no backreferences). */
    static void validateRegex(String regex, String path, SourceLocation at, List<Diagnostic> out, String resource) {
        if (regex.isEmpty()) {
            out.add(Diagnostic.error(resource, at, path + ": regex match cannot be empty"));
        } else if (regex.length() > MAX_REGEX_LENGTH) {
            out.add(Diagnostic.error(resource, at, path + ": regex is " + regex.length()
                    + " characters long; Istio allows at most " + MAX_REGEX_LENGTH));
        } else if (dev.meshroute.reference.regex.RegexLimits.problem(regex) != null) {
            out.add(Diagnostic.error(resource, at, path + ": \"" + regex + "\" is refused: "
                    + dev.meshroute.reference.regex.RegexLimits.problem(regex)));
        } else {
            try {
                Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                out.add(Diagnostic.error(resource, at, path + ": \"" + regex + "\" is not a valid RE2 regex ("
                        + e.getDescription() + "); RE2 has no lookaround or backreferences"));
            }
        }
    }

    static void validateHost(String host, String path, SourceLocation at, List<Diagnostic> out, String resource) {
        String h = host.startsWith("*.") ? host.substring(2) : host;
        if (host.equals("*")) {
            return;
        }
        if (h.isEmpty() || h.length() > 253) {
            out.add(Diagnostic.error(resource, at, path + ": '" + host + "' is not a valid host name"));
            return;
        }
        for (String label : h.toLowerCase().split("\\.", -1)) {
            if (!isDns1123Label(label) || label.length() > 63) {
                out.add(Diagnostic.error(resource, at, path + ": '" + host + "' is not a valid host name (label '"
                        + label + "' is not a DNS-1123 label; a wildcard may only be a leading '*.')"));
                return;
            }
        }
    }

    private static void validateDestinationRule(DestinationRule dr, List<Diagnostic> out) {
        if (dr.host() == null || dr.host().isEmpty()) {
            out.add(Diagnostic.error(dr.key(), dr.location(), "spec.host is required"));
        } else {
            validateHost(dr.host(), "spec.host", dr.location(), out, dr.key());
        }
        TrafficPolicyValidator policies = new TrafficPolicyValidator(dr.key(), out);
        policies.validate(dr.trafficPolicy(), "spec.trafficPolicy");
        Set<String> names = new HashSet<>();
        for (int i = 0; i < dr.subsets().size(); i++) {
            Subset s = dr.subsets().get(i);
            String path = "spec.subsets[" + i + "]";
            if (s.name() == null || s.name().isEmpty()) {
                out.add(Diagnostic.error(dr.key(), s.location(), path + ".name: subset must have a name"));
            } else if (!isDns1123Label(s.name())) {
                out.add(Diagnostic.error(dr.key(), s.location(), path + ".name: '" + s.name()
                        + "' is not a valid subset name (a DNS-1123 label: lower case, digits, '-')"));
            } else if (!names.add(s.name())) {
                out.add(Diagnostic.error(dr.key(), s.location(), path + ".name: duplicate subset name '"
                        + s.name() + "'"));
            }
            policies.validate(s.trafficPolicy(), path + ".trafficPolicy");
        }
        validateExportTo(dr.meta().namespace(), dr.exportTo(), dr.location(), dr.key(), out);
    }

    /**
     * {@code validateExportTo} (validation.go): each entry is {@code .}, {@code *} or a DNS-1123 label, no entry
     * twice ({@code .} counts as the own namespace), and {@code *} alone.
     */
    static void validateExportTo(String namespace, List<String> exportTo, SourceLocation at, String resource,
                                 List<Diagnostic> out) {
        Set<String> seen = new HashSet<>();
        for (String e : exportTo) {
            String key = e.equals(".") ? namespace : e;
            if (seen.contains(key)) {
                out.add(Diagnostic.error(resource, at, key.equals(e)
                        ? "spec.exportTo: duplicate entries in exportTo for entry " + e
                        : "spec.exportTo: duplicate entries in exportTo: . and current namespace " + namespace));
            } else if (e.equals("~")) {
                out.add(Diagnostic.error(resource, at,
                        "spec.exportTo: exportTo ~ (none) is not allowed for Istio configuration objects"));
            } else if (!e.equals("*") && !isDns1123Label(key)) {
                out.add(Diagnostic.error(resource, at,
                        "spec.exportTo: only .,*, or a valid DNS 1123 label is allowed as exportTo entry"));
            } else {
                seen.add(key);
            }
        }
        if (seen.contains("*") && exportTo.size() > 1) {
            out.add(Diagnostic.error(resource, at,
                    "spec.exportTo: cannot have both public (*) and non-public exportTo values for a resource"));
        }
    }
}
