package dev.meshroute.conformance.verification;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshroute.conformance.target.ConfigSource;
import dev.meshroute.conformance.target.Exchange;
import dev.meshroute.conformance.target.Finding;
import dev.meshroute.conformance.target.MeshUnderTest;
import io.cucumber.plugin.event.EventHandler;
import io.cucumber.plugin.event.EventPublisher;
import io.cucumber.plugin.event.Location;
import io.cucumber.plugin.event.Result;
import io.cucumber.plugin.event.Status;
import io.cucumber.plugin.event.TestCase;
import io.cucumber.plugin.event.TestCaseFinished;
import io.cucumber.plugin.event.TestRunFinished;
import io.cucumber.plugin.event.TestRunStarted;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The results writer on a fake run: three scenarios, one of them @unverified, fed as Cucumber's events. */
class VerificationResultsTest {

    @TempDir
    Path dir;

    private static final class FakeTarget implements MeshUnderTest {
        private final String unavailable;

        FakeTarget(String unavailable) {
            this.unavailable = unavailable;
        }

        public String name() {
            return "fake mesh";
        }

        public Optional<String> unavailable() {
            return Optional.ofNullable(unavailable);
        }

        public String version() {
            return "1.24.2";
        }

        public Set<String> capabilities() {
            return Set.of();
        }

        public Applied apply(List<ConfigSource> sources) {
            throw new UnsupportedOperationException();
        }

        public List<Finding> analyze(List<ConfigSource> sources) {
            throw new UnsupportedOperationException();
        }

        public Exchange.Response send(Exchange.Request request) {
            throw new UnsupportedOperationException();
        }

        public List<Exchange.Response> sendMany(Exchange.Request request, int count) {
            throw new UnsupportedOperationException();
        }

        public void close() {
        }
    }

    private static final class Bus implements EventPublisher {
        final Map<Class<?>, EventHandler<Object>> handlers = new HashMap<>();

        @SuppressWarnings("unchecked")
        public <T> void registerHandlerFor(Class<T> type, EventHandler<T> handler) {
            handlers.put(type, (EventHandler<Object>) handler);
        }

        public <T> void removeHandlerFor(Class<T> type, EventHandler<T> handler) {
            handlers.remove(type);
        }

        void send(Object event) {
            handlers.get(event.getClass()).receive(event);
        }
    }

    private static TestCase testCase(String uri, String name, int line, List<String> tags) {
        return (TestCase) Proxy.newProxyInstance(TestCase.class.getClassLoader(), new Class<?>[]{TestCase.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getUri" -> URI.create(uri);
                    case "getName" -> name;
                    case "getLocation" -> new Location(line, 3);
                    case "getLine" -> line;
                    case "getTags" -> tags;
                    case "toString" -> name;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static void fakeRun(VerificationResults plugin) {
        Bus bus = new Bus();
        plugin.setEventPublisher(bus);
        Instant t0 = Instant.parse("2026-11-30T12:00:00Z");
        bus.send(new TestRunStarted(t0));
        bus.send(new TestCaseFinished(t0.plusSeconds(1), testCase("file:///w/features/fault.feature", "abort 503",
                12, List.of("@fault", "@core")), new Result(Status.PASSED, Duration.ofSeconds(1), null)));
        bus.send(new TestCaseFinished(t0.plusSeconds(2), testCase("file:///w/features/retries.feature", "retry on 503",
                30, List.of("@retries", "@unverified")), new Result(Status.PASSED, Duration.ofSeconds(1), null)));
        bus.send(new TestCaseFinished(t0.plusSeconds(3), testCase("file:///w/features/hosts.feature", "wildcard",
                7, List.of("@hosts", "@unverified")), new Result(Status.FAILED, Duration.ofSeconds(1),
                new AssertionError("expected v1"))));
        bus.send(new TestRunFinished(t0.plusSeconds(4), new Result(Status.FAILED, Duration.ofSeconds(4), null)));
    }

    @Test
    void aRealRun_isWrittenWithEveryScenarioItsOutcomeAndTheVersions() throws Exception {
        VerificationResults plugin = new VerificationResults(() -> new FakeTarget(null), () -> "istio", dir::toString);
        fakeRun(plugin);

        Path file = plugin.written();
        assertEquals(dir.resolve("istio-1.24.2.json"), file);
        JsonNode json = new ObjectMapper().readTree(Files.readString(file));
        assertEquals(ResultsFile.FORMAT, json.get("format").asText());
        assertEquals("1.24.2", json.get("versions").get("target").asText());
        assertEquals("fake mesh", json.get("targetName").asText());
        assertEquals("2026-11-30T12:00:00Z", json.get("startedAt").asText());
        assertEquals(2, json.get("summary").get("passed").asInt());
        assertEquals(1, json.get("summary").get("failed").asInt());
        JsonNode scenarios = json.get("scenarios");
        assertEquals(3, scenarios.size());
        assertEquals("features/retries.feature:retry on 503", scenarios.get(1).get("id").asText());
        assertTrue(scenarios.get(1).get("unverified").asBoolean());
        assertEquals("PASSED", scenarios.get(1).get("status").asText());
        assertFalse(scenarios.get(0).get("unverified").asBoolean());
        assertEquals("FAILED", scenarios.get(2).get("status").asText());
        assertEquals(7, scenarios.get(2).get("line").asInt());
    }

    @Test
    void nothingIsWritten_whenTheTargetCouldNotRun_orNoDirectoryWasAskedFor() throws Exception {
        VerificationResults unavailable = new VerificationResults(() -> new FakeTarget("Docker is not available"),
                () -> "istio", dir::toString);
        fakeRun(unavailable);
        assertNull(unavailable.written());
        VerificationResults notAsked = new VerificationResults(() -> new FakeTarget(null), () -> "istio", () -> null);
        fakeRun(notAsked);
        assertNull(notAsked.written());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }
}
