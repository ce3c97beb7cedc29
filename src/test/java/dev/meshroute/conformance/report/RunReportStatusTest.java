package dev.meshroute.conformance.report;

import io.cucumber.plugin.event.EventHandler;
import io.cucumber.plugin.event.EventPublisher;
import io.cucumber.plugin.event.Location;
import io.cucumber.plugin.event.Result;
import io.cucumber.plugin.event.Status;
import io.cucumber.plugin.event.TestCase;
import io.cucumber.plugin.event.TestCaseFinished;
import io.cucumber.plugin.event.TestStep;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import java.io.PrintStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a finished scenario is classified: a skip because it shows a declared deviation of the target is reported as
 * {@code deviation} with the deviation's evidence, any other skip as {@code skipped} with its reason. Cucumber's
 * events are fed in directly; the scenario is a real one that grpc-java's register names.
 */
class RunReportStatusTest {

    static final Path ROOT = Path.of(System.getProperty("meshroute.root", ".")).toAbsolutePath();
    static final URI RULE_ORDER = ROOT.resolve("features/rule-order/rule-order.feature").toUri();
    static final String NO_ROUTE = "A request that matches no rule, with no catch-all, gets 404 NR from the proxy";

    private final List<Object[]> handlers = new ArrayList<>();

    private RunReport report(String target) {
        RunReport report = new RunReport(ROOT.resolve("target/unused"), new PrintStream(OutputStream.nullOutputStream()),
                () -> target);
        report.setEventPublisher(new EventPublisher() {
            @Override
            public <T> void registerHandlerFor(Class<T> type, EventHandler<T> handler) {
                handlers.add(new Object[]{type, handler});
            }

            @Override
            public <T> void removeHandlerFor(Class<T> type, EventHandler<T> handler) {
            }
        });
        return report;
    }

    @SuppressWarnings("unchecked")
    private void publish(Object event) {
        for (Object[] h : handlers) {
            if (((Class<?>) h[0]).isInstance(event)) {
                ((EventHandler<Object>) h[1]).receive(event);
            }
        }
    }

    private static TestCase testCase(URI uri, String name, int line, List<String> tags) {
        UUID id = UUID.randomUUID();
        return new TestCase() {
            public Integer getLine() { return line; }
            public Location getLocation() { return new Location(line, 3); }
            public String getKeyword() { return "Scenario"; }
            public String getName() { return name; }
            public String getScenarioDesignation() { return uri + ":" + line; }
            public List<String> getTags() { return tags; }
            public List<TestStep> getTestSteps() { return List.of(); }
            public URI getUri() { return uri; }
            public UUID getId() { return id; }
        };
    }

    private Map<String, Object> finish(String target, Status status, Throwable error) {
        RunReport report = report(target);
        TestCase tc = testCase(RULE_ORDER, NO_ROUTE, 142, List.of("@rule-order", "@core"));
        publish(new TestCaseFinished(Instant.now(), tc, new Result(status, Duration.ofMillis(5), error)));
        return report.scenarios().get(0);
    }

    @Test
    void aSkipForADeclaredDeviation_isADeviationWithItsEvidence() {
        Map<String, Object> s = finish("grpc-java", Status.SKIPPED,
                new TestAbortedException("known deviation grpc-java/no-route-status of grpc-java: ..."));
        assertEquals("deviation", s.get("status"));
        assertEquals("features/rule-order/rule-order.feature:142", s.get("id"));
        @SuppressWarnings("unchecked")
        Map<String, Object> d = (Map<String, Object>) s.get("deviation");
        assertTrue(((String) d.get("id")).startsWith("grpc-java/"), d.toString());
        assertFalse(((List<?>) d.get("evidence")).isEmpty(), d.toString());
        assertEquals("core", s.get("profile"));
        assertEquals(List.of("rule-order"), s.get("capabilities"));
    }

    @Test
    void anotherSkip_isSkippedWithItsReason() {
        Map<String, Object> s = finish("reference", Status.SKIPPED,
                new TestAbortedException("target meshroute reference does not declare rule-order"));
        assertEquals("skipped", s.get("status"));
        assertEquals("target meshroute reference does not declare rule-order", s.get("reason"));
        assertNull(s.get("deviation"));
    }

    @Test
    void undefinedSteps_areFailures() {
        Map<String, Object> s = finish("reference", Status.UNDEFINED, null);
        assertEquals("failed", s.get("status"));
        assertEquals("undefined", s.get("cucumberStatus"));
        assertTrue(s.containsKey("failure"));
    }
}
