package dev.meshroute.conformance.target.k8s;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The shell script the client pod runs (through the Kubernetes exec API) to send requests through its sidecar,
 * and the reading of what it prints. Every request goes to {@code http://<connect-host>/...} with the scenario's
 * Host header: the sidecar's outbound HTTP listener on port 80 routes by Host, so a host no Service has (a
 * scenario's "unknown host") still reaches the proxy, which answers it itself. Each request carries its own
 * {@code x-request-id}, the key to its line in the sidecar's access log.
 */
public final class Curl {

    static final String END = "@@meshroute-end";

    /** One answer as curl printed it; {@code exitCode} is curl's (0 = an HTTP answer arrived). */
    public record Answer(int exitCode, int status, Map<String, List<String>> headers, String body) {
    }

    private Curl() {
    }

    /**
     * A {@code sh -c} script sending the request {@code requestIds.size()} times, one after another, each answer
     * followed by an end marker with curl's exit code.
     */
    public static String script(String method, String path, String host, List<Map.Entry<String, String>> headers,
                                String connectHost, List<String> requestIds, int maxTimeSeconds) {
        StringBuilder sb = new StringBuilder();
        for (String id : requestIds) {
            List<String> argv = new ArrayList<>(List.of("curl", "-sS", "-i", "--http1.1", "--max-time",
                    String.valueOf(maxTimeSeconds), "-X", method, "-H", "Host: " + host, "-H", "x-request-id: " + id));
            for (Map.Entry<String, String> h : headers) {
                argv.add("-H");
                argv.add(h.getValue().isEmpty() ? h.getKey() + ";" : h.getKey() + ": " + h.getValue());
            }
            argv.add("--path-as-is");
            argv.add("http://" + connectHost + path);
            for (String a : argv) {
                sb.append(quote(a)).append(' ');
            }
            sb.append("; printf '\\n" + END + " %s@@\\n' $?\n");
        }
        return sb.toString();
    }

    /** Single-quotes {@code s} for sh. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** The answers in {@code output}, in order. */
    public static List<Answer> parse(String output) {
        List<Answer> answers = new ArrayList<>();
        int from = 0;
        while (true) {
            int marker = output.indexOf("\n" + END + " ", from);
            if (marker < 0) {
                return answers;
            }
            int close = output.indexOf("@@", marker + END.length() + 2);
            int exit = Integer.parseInt(output.substring(marker + END.length() + 2, close).trim());
            answers.add(answer(exit, output.substring(from, marker)));
            from = output.indexOf('\n', close) + 1;
        }
    }

    static Answer answer(int exitCode, String raw) {
        if (exitCode != 0 || !raw.startsWith("HTTP/")) {
            return new Answer(exitCode, 0, Map.of(), raw);
        }
        int split = raw.indexOf("\r\n\r\n");
        String head = split < 0 ? raw : raw.substring(0, split);
        String body = split < 0 ? "" : raw.substring(split + 4);
        String[] lines = head.split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        int status = Integer.parseInt(statusLine[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        k -> new ArrayList<>()).add(lines[i].substring(colon + 1).trim());
            }
        }
        return new Answer(exitCode, status, headers, body);
    }
}
