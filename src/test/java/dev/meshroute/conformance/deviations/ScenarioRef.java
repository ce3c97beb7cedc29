package dev.meshroute.conformance.deviations;

import java.util.ArrayList;
import java.util.List;

/**
 * One scenario of the features, or some examples of a scenario outline: the feature file (relative to the project,
 * e.g. {@code features/rule-order/rule-order.feature}), the scenario's name, and the cells of the example rows it
 * means (each row as its cells, trimmed, in order); no rows: the scenario, or every example of the outline.
 */
public record ScenarioRef(String feature, String scenario, List<List<String>> examples) {

    public ScenarioRef {
        examples = examples.stream().map(List::copyOf).toList();
    }

    public static ScenarioRef scenario(String feature, String scenario) {
        return new ScenarioRef(feature, scenario, List.of());
    }

    public static ScenarioRef example(String feature, String scenario, String... cells) {
        return new ScenarioRef(feature, scenario, List.of(List.of(cells)));
    }

    /**
     * True when a running scenario is this one: its file ({@code uri}, any form ending in {@link #feature()}), its
     * name, and, for examples, the text of the line it starts at (the example row).
     */
    public boolean matches(String uri, String name, String lineText) {
        if (!uri.replace('\\', '/').endsWith("/" + feature) && !uri.equals(feature)) {
            return false;
        }
        if (!scenario.equals(name)) {
            return false;
        }
        return examples.isEmpty() || examples.contains(cells(lineText));
    }

    /** The cells of a Gherkin table row ({@code | a | b |} -> [a, b]); not a row: empty. */
    static List<String> cells(String line) {
        String t = line == null ? "" : line.trim();
        if (!t.startsWith("|") || !t.endsWith("|") || t.length() < 2) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        for (int i = 1; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '\\' && i + 1 < t.length()) {
                cell.append(t.charAt(++i));
            } else if (c == '|') {
                out.add(cell.toString().trim());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return feature + ": \"" + scenario + "\"" + (examples.isEmpty() ? "" : " examples " + examples);
    }
}
