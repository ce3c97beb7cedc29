package dev.meshroute.conformance.steps;

import dev.meshroute.conformance.target.ConfigSource;
import dev.meshroute.conformance.target.Finding;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;

import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Steps about what the mesh says of a configuration: rejections and analysis messages. */
public final class ValidationSteps {

    private final World world;

    public ValidationSteps(World world) {
        this.world = world;
    }

    @Given("the configuration, which the mesh must reject in part:")
    public void invalidConfiguration(String yaml) {
        world.rejectionsExpected = true;
        world.sources.add(new ConfigSource("scenario-" + (world.sources.size() + 1) + ".yaml", yaml));
    }

    @When("the configuration is analyzed")
    public void analyze() {
        world.rejectionsExpected = true;
        world.findings = world.target.analyze(world.sources);
        world.log(describe(world.findings));
    }

    @Then("analysis reports {word} on {string} saying {string}")
    public void reports(String code, String resource, String message) {
        List<Finding> findings = findings();
        boolean found = findings.stream().anyMatch(f -> code.equals(f.code()) && resource.equals(f.resource())
                && message.equals(f.message()));
        assertTrue(found, () -> "expected " + code + " on " + resource + " saying: " + message + "\n"
                + describe(findings));
    }

    @Then("analysis reports {word} in file {string} at line {int}")
    public void reportsAt(String code, String file, int line) {
        List<Finding> findings = findings();
        assertTrue(findings.stream().anyMatch(f -> code.equals(f.code()) && file.equals(f.file()) && f.line() == line),
                () -> "expected " + code + " at " + file + ":" + line + "\n" + describe(findings));
    }

    @Then("analysis reports no {word}")
    public void reportsNo(String code) {
        List<Finding> matching = findings().stream().filter(f -> code.equals(f.code())).toList();
        assertEquals(List.of(), matching, () -> "expected no " + code);
    }

    @Then("{string} is rejected with {string}")
    public void rejected(String resource, String text) {
        List<Finding> findings = findings();
        assertTrue(findings.stream().anyMatch(f -> f.isRejection() && resource.equals(f.resource())
                        && f.message().contains(text)),
                () -> "expected " + resource + " to be rejected with a message containing \"" + text + "\"\n"
                        + describe(findings));
    }

    @Then("the file {string} is reported as broken at line {int} with {string}")
    public void brokenFile(String file, int line, String text) {
        List<Finding> findings = findings();
        assertTrue(findings.stream().anyMatch(f -> f.isRejection() && file.equals(f.file()) && f.line() == line
                        && f.message().contains(text)),
                () -> "expected an error in " + file + " at line " + line + " containing \"" + text + "\"\n"
                        + describe(findings));
    }

    private List<Finding> findings() {
        if (world.findings == null) {
            fail("no configuration was applied or analyzed before this step");
        }
        return world.findings;
    }

    static String describe(List<Finding> findings) {
        return findings.isEmpty() ? "(no findings)"
                : "findings:\n  " + findings.stream().map(Finding::toString).collect(Collectors.joining("\n  "));
    }
}
