package dev.meshroute.conformance.selection;

import io.cucumber.tagexpressions.Expression;
import io.cucumber.tagexpressions.TagExpressionException;
import io.cucumber.tagexpressions.TagExpressionParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which scenarios a run is about: {@code -Dmeshroute.tags} (a Cucumber tag expression, read by Cucumber's own parser,
 * as {@code cucumber.filter.tags} is), {@code -Dmeshroute.scenario} (scenario ids, comma-separated) and
 * {@code -Dmeshroute.dryRun=true} (list them, run nothing). Both selections must hold.
 *
 * <p>A scenario id is the feature file relative to the project and a line, as Cucumber's command line and rerun
 * files write it: {@code features/weights/weights.feature:23}. The line is the scenario's {@code Scenario:} line, an
 * outline's {@code Scenario Outline:} line (all its examples), an {@code Examples:} line (that table), or one example
 * row; without a line, every scenario of the file. The dry-run plan prints each scenario's id.
 */
public record Selection(String tags, List<ScenarioId> scenarios, boolean dryRun) {

    public static final String TAGS_PROPERTY = "meshroute.tags";
    public static final String SCENARIO_PROPERTY = "meshroute.scenario";
    public static final String DRY_RUN_PROPERTY = "meshroute.dryRun";

    /** A feature file (relative, {@code /}-separated) and the lines that select in it (empty: the whole file). */
    public record ScenarioId(String feature, Set<Integer> lines) {

        public ScenarioId {
            lines = Set.copyOf(lines);
        }

        /** {@code features/x.feature}, {@code features/x.feature:23} or {@code features/x.feature:23:40}. */
        public static ScenarioId parse(String text) {
            String t = text.trim().replace('\\', '/');
            if (t.startsWith("./")) {
                t = t.substring(2);
            }
            int colon = t.indexOf(".feature:");
            if (colon < 0) {
                if (!t.endsWith(".feature")) {
                    throw new IllegalArgumentException("-D" + SCENARIO_PROPERTY + ": '" + text + "' is not a scenario"
                            + " id (features/DIR/NAME.feature:LINE, as the dry-run plan lists them)");
                }
                return new ScenarioId(t, Set.of());
            }
            String file = t.substring(0, colon + ".feature".length());
            Set<Integer> lines = new TreeSet<>();
            for (String l : t.substring(colon + ".feature:".length()).split(":")) {
                try {
                    lines.add(Integer.parseInt(l.trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("-D" + SCENARIO_PROPERTY + ": '" + text + "': '" + l
                            + "' is not a line number");
                }
            }
            return new ScenarioId(file, lines);
        }

        /** True when this id names the scenario in {@code feature} whose own and enclosing lines are {@code lines}. */
        boolean selects(String feature, Collection<Integer> linesOfScenario) {
            if (!feature.equals(this.feature) && !feature.endsWith("/" + this.feature)) {
                return false;
            }
            return lines.isEmpty() || linesOfScenario.stream().anyMatch(lines::contains);
        }

        @Override
        public String toString() {
            return lines.isEmpty() ? feature : feature + ":" + String.join(":", lines.stream().map(String::valueOf)
                    .toList());
        }
    }

    public Selection {
        tags = tags == null || tags.isBlank() ? null : tags.trim();
        scenarios = List.copyOf(scenarios);
        if (tags != null) {
            try {
                TagExpressionParser.parse(tags);
            } catch (TagExpressionException e) {
                throw new IllegalArgumentException("-D" + TAGS_PROPERTY + "='" + tags + "' is not a tag expression: "
                        + e.getMessage(), e);
            }
        }
    }

    /** The selection the system properties ask for. */
    public static Selection fromSystemProperties() {
        return of(System.getProperty(TAGS_PROPERTY), System.getProperty(SCENARIO_PROPERTY),
                System.getProperty(DRY_RUN_PROPERTY));
    }

    static Selection of(String tags, String scenarios, String dryRun) {
        List<ScenarioId> ids = new ArrayList<>();
        if (scenarios != null) {
            for (String s : scenarios.split(",")) {
                if (!s.isBlank()) {
                    ids.add(ScenarioId.parse(s));
                }
            }
        }
        return new Selection(tags, ids, dryRun(dryRun));
    }

    /**
     * {@code -Dmeshroute.dryRun}: absent or {@code false}, a real run; {@code true} or no value, a dry run. Anything
     * else is refused: pom.xml's dry-run profiles switch on for exactly {@code true}, so {@code TRUE} or {@code yes}
     * would have run everything while this code believed it a dry run.
     */
    private static boolean dryRun(String value) {
        return switch (value == null ? "false" : value.trim()) {
            case "", "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("-D" + DRY_RUN_PROPERTY + "=" + value
                    + ": write true (list the scenarios, run none) or false; Maven's dry-run profile switches on"
                    + " for exactly true");
        };
    }

    /** True when -Dmeshroute.dryRun=true: list the scenarios, run none. */
    public static boolean dryRunRequested() {
        return fromSystemProperties().dryRun();
    }

    /** True when neither tags nor scenario ids narrow the run. */
    public boolean selectsAll() {
        return tags == null && scenarios.isEmpty();
    }

    /**
     * True when the scenario in {@code feature} (relative path) with Gherkin {@code tags} (with their {@code @},
     * inherited ones included) is selected; {@code lines} are its own line and those of its enclosing outline and
     * examples table.
     */
    public boolean selects(String feature, Collection<Integer> lines, Collection<String> tags) {
        if (this.tags != null) {
            Expression e = TagExpressionParser.parse(this.tags);
            if (!e.evaluate(List.copyOf(tags))) {
                return false;
            }
        }
        return scenarios.isEmpty() || scenarios.stream().anyMatch(id -> id.selects(feature, lines));
    }

    /**
     * Checks that each scenario id names a feature file under {@code root} and, when it has lines, lines where a
     * scenario, outline, examples table or example row is: a mistyped id fails the run with a message rather than
     * selecting nothing.
     */
    public void validateIds(Path root) {
        for (ScenarioId id : scenarios) {
            Path file = root.resolve(id.feature());
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("-D" + SCENARIO_PROPERTY + ": " + id + ": no such feature file ("
                        + file.toAbsolutePath().normalize() + ")");
            }
            List<String> text;
            try {
                text = Files.readAllLines(file);
            } catch (IOException e) {
                throw new IllegalArgumentException("-D" + SCENARIO_PROPERTY + ": " + id + ": cannot read " + file, e);
            }
            for (int line : id.lines()) {
                String at = line >= 1 && line <= text.size() ? text.get(line - 1).trim() : "";
                if (!isScenarioLine(at)) {
                    throw new IllegalArgumentException("-D" + SCENARIO_PROPERTY + ": " + id.feature() + ":" + line
                            + " is not a scenario, outline, examples or example line (it reads '" + at
                            + "'); the dry run (-D" + DRY_RUN_PROPERTY + "=true) lists every scenario id");
                }
            }
        }
    }

    private static boolean isScenarioLine(String line) {
        for (String keyword : List.of("Scenario:", "Scenario Outline:", "Scenario Template:", "Example:", "Examples:",
                "Scenarios:")) {
            if (line.startsWith(keyword)) {
                return true;
            }
        }
        return line.startsWith("|");
    }
}
