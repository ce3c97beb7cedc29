package dev.meshroute.reference.config;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;

/** Reads the durations Istio resources carry: protobuf's {@code "1.5s"} and Go's {@code "100ms"}, {@code "2m"}. */
final class Durations {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    private Durations() {
    }

    /** Milliseconds, or null when {@code text} is not a duration. */
    static Long parseMillis(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            return null;
        }
        double value = Double.parseDouble(m.group(1));
        double millis = switch (m.group(2)) {
            case "ms" -> value;
            case "s" -> value * 1_000;
            case "m" -> value * 60_000;
            default -> value * 3_600_000;
        };
        return Math.round(millis);
    }
}
