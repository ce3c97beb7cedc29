package dev.meshroute.conformance.report;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The one-screen summary at the end of a run: counts by status and profile, the failed scenarios by id (the first
 * few with their diagnosis), the skipped ones grouped by reason, and where the reports are.
 */
final class ConsoleSummary {

    static final int FAILED_LISTED = 15;
    static final int FAILED_DIAGNOSED = 3;
    static final int REASONS_LISTED = 8;

    private ConsoleSummary() {
    }

    @SuppressWarnings("unchecked")
    static String render(Map<String, Object> report, Path dir) {
        StringBuilder sb = new StringBuilder();
        Map<String, Object> impl = (Map<String, Object>) report.get("implementation");
        sb.append("\n==== meshroute conformance: ").append(impl.get("name")).append(' ').append(impl.get("version"))
                .append(" (target ").append(report.get("target")).append(") ====\n");
        sb.append("scenarios: ").append(line((Map<String, Object>) report.get("summary"))).append('\n');
        ((Map<String, Object>) report.get("profiles")).forEach((p, c) ->
                sb.append("  @").append(p).append(": ").append(line((Map<String, Object>) c)).append('\n'));
        List<Map<String, Object>> scenarios = (List<Map<String, Object>>) report.get("scenarios");
        List<Map<String, Object>> failed = scenarios.stream().filter(s -> "failed".equals(s.get("status"))).toList();
        if (!failed.isEmpty()) {
            sb.append("FAILED (").append(failed.size()).append("):\n");
            for (int i = 0; i < Math.min(failed.size(), FAILED_LISTED); i++) {
                Map<String, Object> s = failed.get(i);
                sb.append("  ").append(s.get("id")).append("  ").append(s.get("name")).append('\n');
                if (i < FAILED_DIAGNOSED) {
                    String error = String.valueOf(s.get("error"));
                    error.lines().limit(8).forEach(l -> sb.append("      ").append(l).append('\n'));
                }
            }
            if (failed.size() > FAILED_LISTED) {
                sb.append("  ... and ").append(failed.size() - FAILED_LISTED).append(" more (see report.json)\n");
            }
        }
        long deviations = scenarios.stream().filter(s -> "deviation".equals(s.get("status"))).count();
        Map<String, Integer> reasons = (Map<String, Integer>) report.get("skippedReasons");
        if (!reasons.isEmpty()) {
            sb.append("skipped or deviating, by reason:\n");
            reasons.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(REASONS_LISTED)
                    .forEach(r -> sb.append(String.format("  %4d  %s%n", r.getValue(), abbreviate(r.getKey()))));
            if (reasons.size() > REASONS_LISTED) {
                sb.append("  ... ").append(reasons.size() - REASONS_LISTED).append(" more reasons (see report.json)\n");
            }
        }
        if (deviations > 0) {
            sb.append("declared deviations shown: ").append(deviations).append(" (re-checked by KnownDeviationsIT)\n");
        }
        sb.append("reports: ").append(dir.resolve("report.json")).append(", ").append(dir.resolve("index.html"))
                .append(", ").append(dir.resolve("junit.xml")).append('\n');
        return sb.toString();
    }

    private static String line(Map<String, Object> counts) {
        return counts.get("total") + " total, " + counts.get("passed") + " passed, " + counts.get("failed")
                + " failed, " + counts.get("skipped") + " skipped, " + counts.get("deviation") + " deviations";
    }

    private static String abbreviate(String reason) {
        String one = reason.replace('\n', ' ');
        return one.length() <= 150 ? one : one.substring(0, 147) + "...";
    }
}
