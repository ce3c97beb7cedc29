package dev.meshroute.conformance.report;

import java.util.List;
import java.util.Map;

/**
 * The run as one self-contained HTML page (inline CSS, no script, no external asset): the summary first (counts by
 * status, by profile, by capability), then every scenario with the configuration it applied, the requests it sent,
 * what it expected, what it observed and the route the target's proxy chose.
 */
final class HtmlReport {

    private HtmlReport() {
    }

    private static final String CSS = """
            body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1b1f24;background:#fff}
            h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}h3{font-size:15px;margin:0 0 6px}
            .meta{color:#555;font-size:13px;margin-bottom:16px}
            table{border-collapse:collapse;margin:6px 0 14px;font-size:13px}
            th,td{border:1px solid #c9d1d9;padding:4px 8px;text-align:left;vertical-align:top}
            th{background:#eef2f6}
            td.n{text-align:right;font-variant-numeric:tabular-nums}
            .passed{color:#116329}.failed{color:#b42318;font-weight:bold}.skipped{color:#7a5d00}.deviation{color:#6639ba}
            .badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;font-weight:bold}
            .b-passed{background:#1f883d}.b-failed{background:#cf222e}.b-skipped{background:#9a6700}.b-deviation{background:#8250df}
            .scenario{border:1px solid #d0d7de;border-left:6px solid #d0d7de;border-radius:4px;padding:10px 12px;margin:10px 0}
            .s-passed{border-left-color:#1f883d}.s-failed{border-left-color:#cf222e;background:#fff5f5}
            .s-skipped{border-left-color:#9a6700}.s-deviation{border-left-color:#8250df}
            .tags{color:#555;font-size:12px}pre{white-space:pre-wrap;background:#f6f8fa;padding:8px;font-size:12px;margin:4px 0}
            """;

    @SuppressWarnings("unchecked")
    static String render(Map<String, Object> report) {
        Map<String, Object> impl = (Map<String, Object>) report.get("implementation");
        Map<String, Object> suite = (Map<String, Object>) report.get("suite");
        Map<String, Object> inputs = (Map<String, Object>) report.get("inputs");
        StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>meshroute conformance report</title><style>" + CSS + "</style></head><body>\n");
        h.append("<h1>meshroute conformance: ").append(esc(impl.get("name"))).append(' ').append(esc(impl.get("version")))
                .append("</h1>\n<div class=\"meta\">target ").append(esc(report.get("target"))).append(" &middot; suite ")
                .append(esc(suite.get("version"))).append(" at ").append(esc(suite.get("commit"))).append(" &middot; ")
                .append(esc(report.get("date"))).append(" &middot; inputs sha256 ").append(esc(inputs.get("sha256")))
                .append("</div>\n");

        h.append("<h2>Summary</h2>\n<table id=\"summary\"><tr><th></th><th>total</th>");
        for (String s : RunReport.STATUSES) {
            h.append("<th class=\"").append(s).append("\">").append(s).append("</th>");
        }
        h.append("</tr>\n");
        row(h, "all scenarios", (Map<String, Object>) report.get("summary"));
        ((Map<String, Object>) report.get("profiles")).forEach((p, c) -> row(h, "@" + p, (Map<String, Object>) c));
        h.append("</table>\n<h2>By capability</h2>\n<table id=\"capabilities\"><tr><th>capability</th><th>total</th>");
        for (String s : RunReport.STATUSES) {
            h.append("<th class=\"").append(s).append("\">").append(s).append("</th>");
        }
        h.append("</tr>\n");
        ((Map<String, Object>) report.get("capabilities")).forEach((c, n) -> row(h, "@" + c, (Map<String, Object>) n));
        h.append("</table>\n");
        Map<String, Integer> reasons = (Map<String, Integer>) report.get("skippedReasons");
        if (!reasons.isEmpty()) {
            h.append("<h2>Skipped, by reason</h2>\n<table id=\"reasons\"><tr><th>scenarios</th><th>reason</th></tr>\n");
            reasons.forEach((r, n) -> h.append("<tr><td class=\"n\">").append(n).append("</td><td>").append(esc(r))
                    .append("</td></tr>\n"));
            h.append("</table>\n");
        }

        h.append("<h2>Scenarios</h2>\n");
        for (Map<String, Object> s : (List<Map<String, Object>>) report.get("scenarios")) {
            scenario(h, s);
        }
        return h.append("</body></html>\n").toString();
    }

    private static void row(StringBuilder h, String label, Map<String, Object> counts) {
        h.append("<tr><th>").append(esc(label)).append("</th><td class=\"n\">").append(counts.get("total")).append("</td>");
        for (String s : RunReport.STATUSES) {
            h.append("<td class=\"n ").append(s).append("\">").append(counts.get(s)).append("</td>");
        }
        h.append("</tr>\n");
    }

    @SuppressWarnings("unchecked")
    private static void scenario(StringBuilder h, Map<String, Object> s) {
        String status = (String) s.get("status");
        h.append("<div class=\"scenario s-").append(status).append("\" id=\"").append(esc(s.get("id"))).append("\">")
                .append("<h3><span class=\"badge b-").append(status).append("\">").append(status).append("</span> ")
                .append(esc(s.get("name"))).append("</h3>\n<div class=\"tags\">").append(esc(s.get("id")))
                .append(" &middot; @").append(esc(String.join(" @", (List<String>) s.get("tags")))).append(" &middot; ")
                .append(s.get("durationMs")).append(" ms</div>\n");
        if (s.get("reason") != null) {
            h.append("<p class=\"").append(status).append("\">").append(esc(s.get("reason"))).append("</p>\n");
        }
        Map<String, Object> deviation = (Map<String, Object>) s.get("deviation");
        if (deviation != null) {
            h.append("<p>declared deviation ").append(esc(deviation.get("id"))).append(": Envoy/Istio ")
                    .append(esc(deviation.get("envoy"))).append("; evidence: ")
                    .append(esc(String.join(", ", (List<String>) deviation.get("evidence")))).append("</p>\n");
        }
        if (s.get("error") != null) {
            h.append("<pre class=\"failed\">").append(esc(s.get("error"))).append("</pre>\n");
        }
        List<String> config = (List<String>) s.get("config");
        if (!config.isEmpty()) {
            h.append("<div>applied: ").append(esc(String.join(", ", config)));
            Map<String, Object> c = (Map<String, Object>) s.get("convergence");
            if (c != null) {
                h.append(" &middot; live after ").append(c.get("totalMs")).append(" ms");
            }
            h.append("</div>\n");
        }
        List<String> expected = (List<String>) s.get("expected");
        List<Map<String, Object>> exchanges = (List<Map<String, Object>>) s.get("exchanges");
        if (!exchanges.isEmpty() || !expected.isEmpty()) {
            h.append("<div>expected: ").append(esc(String.join("; ", expected))).append("</div>\n");
        }
        if (!exchanges.isEmpty()) {
            h.append("<table><tr><th>sent</th><th>observed</th><th>route matched</th></tr>\n");
            for (Map<String, Object> x : exchanges) {
                Map<String, Object> req = (Map<String, Object>) x.get("request");
                Map<String, Object> resp = (Map<String, Object>) x.get("response");
                int count = (Integer) x.get("count");
                h.append("<tr><td>").append(esc(req.get("method") + " " + req.get("path") + " Host: " + req.get("host")));
                for (String header : (List<String>) req.get("headers")) {
                    h.append("<br>").append(esc(header));
                }
                if (count > 1) {
                    h.append("<br>&times;").append(count);
                }
                h.append("</td><td>").append(esc(count > 1 ? "outcomes " + x.get("outcomes")
                        : resp == null ? "no response" : resp.get("summary")));
                h.append("</td><td>").append(esc(x.get("route") == null ? "not known" : x.get("route")))
                        .append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        for (Map<String, Object> split : (List<Map<String, Object>>) s.get("splits")) {
            h.append("<div>split n=").append(split.get("n")).append(", alpha=").append(split.get("alpha"))
                    .append(", seed: ").append(esc(split.get("seed") == null ? "none (" + split.get("randomSource") + ")"
                            : split.get("seed"))).append("</div><table><tr><th>destination</th><th>weight</th>"
                            + "<th>observed</th><th>accepted region</th><th>p-value</th></tr>\n");
            for (Map<String, Object> d : (List<Map<String, Object>>) split.get("destinations")) {
                h.append("<tr><td>").append(esc(d.get("name"))).append("</td><td class=\"n\">").append(d.get("weight"))
                        .append("</td><td class=\"n\">").append(d.get("observed")).append("</td><td>")
                        .append(d.get("acceptLow")).append("..").append(d.get("acceptHigh")).append("</td><td class=\"n\">")
                        .append(String.format(java.util.Locale.ROOT, "%.3g", ((Number) d.get("pValue")).doubleValue()))
                        .append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        h.append("</div>\n");
    }

    static String esc(Object o) {
        String s = String.valueOf(o);
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
