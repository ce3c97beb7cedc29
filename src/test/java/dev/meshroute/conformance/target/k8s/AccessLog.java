package dev.meshroute.conformance.target.k8s;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the lines of Istio's default text access log ({@code meshConfig.accessLogFile: /dev/stdout} with no
 * {@code accessLogFormat}), the format istiod sets on every sidecar:
 * <pre>
 * [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS%
 * %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS% "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED%
 * %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%"
 * "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER_RAW% %UPSTREAM_LOCAL_ADDRESS%
 * %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME%
 * </pre>
 * The client's sidecar writes one line per request it routed; its {@code %RESPONSE_FLAGS%} is what the suite
 * calls a local reply's response flags ({@code NR}, {@code UH}, {@code FI}, ...), found by the request id.
 */
public final class AccessLog {

    /** One request as the proxy logged it; "-" fields are null. */
    public record Entry(String startTime, String method, String path, String protocol, int status, String responseFlags,
                        String responseCodeDetails, String requestId, String authority, String upstreamHost,
                        String upstreamCluster, String routeName) {
    }

    private AccessLog() {
    }

    /** The entry of {@code line}, or empty when the line is not an access-log line in the default format. */
    public static Optional<Entry> parse(String line) {
        List<String> f = fields(line.strip());
        if (f.size() < 22 || !f.get(0).startsWith("[")) {
            return Optional.empty();
        }
        String[] request = f.get(1).split(" ", 3);
        int status;
        try {
            status = Integer.parseInt(f.get(2));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.of(new Entry(f.get(0).substring(1, f.get(0).length() - 1),
                dash(request[0]), request.length > 1 ? dash(request[1]) : null, request.length > 2 ? dash(request[2]) : null,
                status, dash(f.get(3)), dash(f.get(4)), dash(f.get(13)), dash(f.get(14)), dash(f.get(15)),
                dash(f.get(16)), dash(f.get(f.size() - 1))));
    }

    /** The entry for the request with {@code requestId} among {@code log}'s lines, the last one if it repeats. */
    public static Optional<Entry> find(String log, String requestId) {
        Entry found = null;
        for (String line : log.split("\n")) {
            if (line.contains(requestId)) {
                Optional<Entry> e = parse(line);
                if (e.isPresent() && requestId.equals(e.get().requestId())) {
                    found = e.get();
                }
            }
        }
        return Optional.ofNullable(found);
    }

    /** Splits on spaces, keeping "quoted" and [bracketed] fields whole (quotes dropped, brackets kept). */
    static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == ' ') {
                i++;
                continue;
            }
            int end;
            if (c == '"') {
                end = line.indexOf('"', i + 1);
                if (end < 0) {
                    return List.of();
                }
                out.add(line.substring(i + 1, end));
                i = end + 1;
            } else if (c == '[') {
                end = line.indexOf(']', i + 1);
                if (end < 0) {
                    return List.of();
                }
                out.add(line.substring(i, end + 1));
                i = end + 1;
            } else {
                end = line.indexOf(' ', i);
                end = end < 0 ? line.length() : end;
                out.add(line.substring(i, end));
                i = end;
            }
        }
        return out;
    }

    private static String dash(String value) {
        return value == null || value.equals("-") ? null : value;
    }
}
