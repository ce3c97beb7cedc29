package dev.meshroute.reference.check;

import java.util.List;

/** One test's verdict: each mismatch as "what: expected X, actual Y", and where the request went. */
public record CheckResult(String name, List<String> mismatches, String observed) {

    public CheckResult {
        mismatches = List.copyOf(mismatches);
    }

    public boolean passed() {
        return mismatches.isEmpty();
    }

    /** The report line: PASS or FAIL, the test's name, what differed, and the decision with its route. */
    public String line() {
        return passed() ? "PASS  " + name + "  -> " + observed
                : "FAIL  " + name + "  " + String.join("; ", mismatches) + "  -> " + observed;
    }
}
