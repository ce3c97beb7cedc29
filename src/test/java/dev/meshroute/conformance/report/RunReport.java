package dev.meshroute.conformance.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.meshroute.conformance.deviations.KnownDeviation;
import dev.meshroute.conformance.deviations.KnownDeviations;
import dev.meshroute.conformance.steps.Hooks;
import dev.meshroute.conformance.target.Exchange;
import dev.meshroute.conformance.target.MeshUnderTest;
import dev.meshroute.conformance.target.Targets;
import io.cucumber.plugin.ConcurrentEventListener;
import io.cucumber.plugin.event.EventPublisher;
import io.cucumber.plugin.event.PickleStepTestStep;
import io.cucumber.plugin.event.Result;
import io.cucumber.plugin.event.Status;
import io.cucumber.plugin.event.TestCase;
import io.cucumber.plugin.event.TestCaseFinished;
import io.cucumber.plugin.event.TestCaseStarted;
import io.cucumber.plugin.event.TestRunFinished;
import io.cucumber.plugin.event.TestRunStarted;
import io.cucumber.plugin.event.TestStepFinished;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The run's reports, written when a conformance run ends (a Cucumber plugin, registered in ConformanceIT):
 * {@code report.json} (format {@value #FORMAT}, schema {@code schemas/report.schema.json}), {@code junit.xml}
 * (Surefire's XML format, which validates against {@code schemas/surefire-test-report-3.0.xsd}), {@code index.html}
 * (one self-contained page) and {@code summary.txt}, the one-screen summary also printed on the console.
 *
 * <p>Statuses: {@code passed}; {@code failed} (also undefined, pending and ambiguous steps); {@code skipped} with
 * the reason (a capability the target lacks, a target that cannot run); {@code deviation}, a skip because the
 * scenario shows one of the target's declared deviations, with its evidence.
 */
public final class RunReport implements ConcurrentEventListener {

    public static final String FORMAT = "meshroute-report/1";
    static final List<String> STATUSES = List.of("passed", "failed", "skipped", "deviation");

    private final Path dir;
    private final PrintStream console;
    private final java.util.function.Supplier<String> selected;
    private final Map<UUID, Instant> startedAt = new ConcurrentHashMap<>();
    private final Map<UUID, List<Map<String, Object>>> steps = new ConcurrentHashMap<>();
    private final Map<UUID, String> failedStep = new ConcurrentHashMap<>();
    private final List<Map<String, Object>> scenarios = new ArrayList<>();
    private Instant started = Instant.now();

    /** As ConformanceIT registers it: the reports go to {@code target/meshroute} under {@code meshroute.root}. */
    public RunReport() {
        this(Path.of(System.getProperty("meshroute.root", ".")).resolve("target/meshroute").toString());
    }

    /** With the directory to write into ({@code dev.meshroute.conformance.report.RunReport:DIR}). */
    public RunReport(String dir) {
        this(Path.of(dir), System.out);
    }

    RunReport(Path dir, PrintStream console) {
        this(dir, console, Targets::selected);
    }

    RunReport(Path dir, PrintStream console, java.util.function.Supplier<String> selected) {
        this.dir = dir;
        this.console = console;
        this.selected = selected;
    }

    /** The scenarios finished so far, as the report lists them. */
    synchronized List<Map<String, Object>> scenarios() {
        return List.copyOf(scenarios);
    }

    @Override
    public void setEventPublisher(EventPublisher publisher) {
        publisher.registerHandlerFor(TestRunStarted.class, e -> {
            started = e.getInstant();
            ScenarioEvidence.collect(true);
        });
        publisher.registerHandlerFor(TestCaseStarted.class, e -> startedAt.put(e.getTestCase().getId(), e.getInstant()));
        publisher.registerHandlerFor(TestStepFinished.class, this::stepFinished);
        publisher.registerHandlerFor(TestCaseFinished.class, this::caseFinished);
        publisher.registerHandlerFor(TestRunFinished.class, this::runFinished);
    }

    private void stepFinished(TestStepFinished e) {
        if (!(e.getTestStep() instanceof PickleStepTestStep step)) {
            return;
        }
        String text = step.getStep().getKeyword().trim() + " " + step.getStep().getText();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("text", text);
        s.put("keyword", step.getStep().getKeyword().trim());
        s.put("status", e.getResult().getStatus().name().toLowerCase(Locale.ROOT));
        steps.computeIfAbsent(e.getTestCase().getId(), id -> new ArrayList<>()).add(s);
        if (e.getResult().getStatus() == Status.FAILED || e.getResult().getStatus() == Status.UNDEFINED
                || e.getResult().getStatus() == Status.AMBIGUOUS || e.getResult().getStatus() == Status.PENDING) {
            failedStep.putIfAbsent(e.getTestCase().getId(), text);
        }
    }

    private void caseFinished(TestCaseFinished e) {
        TestCase tc = e.getTestCase();
        Result result = e.getResult();
        ScenarioEvidence evidence = ScenarioEvidence.take(tc.getId().toString());
        Map<String, Object> s = new LinkedHashMap<>();
        String uri = relative(tc.getUri());
        int line = tc.getLocation().getLine();
        s.put("id", uri + ":" + line);
        s.put("uri", uri);
        s.put("line", line);
        s.put("name", tc.getName());
        List<String> tags = tc.getTags().stream().map(t -> t.startsWith("@") ? t.substring(1) : t).toList();
        s.put("tags", tags);
        s.put("profile", tags.contains("core") ? "core" : tags.contains("extended") ? "extended" : "none");
        s.put("capabilities", tags.stream().filter(Hooks.CAPABILITY_TAGS::contains).toList());
        String status = status(result.getStatus());
        Optional<KnownDeviation> deviation = Optional.empty();
        String reason = null;
        if (status.equals("skipped")) {
            reason = result.getError() == null ? "skipped (" + result.getStatus().name().toLowerCase(Locale.ROOT)
                    + ")" : String.valueOf(result.getError().getMessage());
            if (reason.startsWith("known deviation ")) {
                deviation = KnownDeviations.shownBy(selected.get(), tc.getUri(), tc.getName(), line);
                if (deviation.isPresent()) {
                    status = "deviation";
                }
            }
        }
        s.put("status", status);
        s.put("cucumberStatus", result.getStatus().name().toLowerCase(Locale.ROOT));
        if (reason != null) {
            s.put("reason", reason);
        }
        deviation.ifPresent(d -> {
            Map<String, Object> dm = new LinkedHashMap<>();
            dm.put("id", d.id());
            dm.put("summary", d.summary());
            dm.put("envoy", d.envoy());
            dm.put("evidence", d.evidence());
            s.put("deviation", dm);
        });
        Instant begin = startedAt.remove(tc.getId());
        s.put("durationMs", begin == null ? result.getDuration().toMillis()
                : Duration.between(begin, e.getInstant()).toMillis());
        List<Map<String, Object>> stepList = steps.getOrDefault(tc.getId(), List.of());
        steps.remove(tc.getId());
        s.put("steps", stepList);
        s.put("expected", expectations(stepList));
        s.put("config", evidence.configuration());
        if (evidence.applied() != null) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("totalMs", evidence.applied().plus(evidence.probed()).toMillis());
            c.put("appliedMs", evidence.applied().toMillis());
            c.put("probeMs", evidence.probed().toMillis());
            c.put("probeRequests", evidence.probeRequests());
            s.put("convergence", c);
        }
        List<Map<String, Object>> exchanges = new ArrayList<>();
        for (ScenarioEvidence.ExchangeRecord x : evidence.exchanges()) {
            exchanges.add(exchange(x));
        }
        s.put("exchanges", exchanges);
        if (evidence.droppedExchanges() > 0) {
            s.put("exchangesNotRecorded", evidence.droppedExchanges());
        }
        s.put("splits", evidence.splits());
        if (status.equals("failed")) {
            Map<String, Object> f = new LinkedHashMap<>();
            String step = failedStep.remove(tc.getId());
            String message = result.getError() == null ? "step " + result.getStatus().name().toLowerCase(Locale.ROOT)
                    : result.getError().toString();
            f.put("step", step);
            f.put("message", message);
            List<ScenarioEvidence.ExchangeRecord> xs = evidence.exchanges();
            ScenarioEvidence.ExchangeRecord last = xs.isEmpty() ? null : xs.get(xs.size() - 1);
            f.put("expected", step);
            f.put("request", last == null ? null : last.request().toString());
            f.put("observed", last == null ? null : ScenarioEvidence.observed(last));
            f.put("route", last == null ? null : last.route());
            s.put("failure", f);
            // the whole diagnosis in one text, also when the failing step's own message lacks it
            String error = message;
            if (last != null && !message.contains("  request:  ")) {
                error += "\n  expected: " + step + ScenarioEvidence.describe(last);
            }
            s.put("error", error);
        } else {
            failedStep.remove(tc.getId());
        }
        synchronized (this) {
            scenarios.add(s);
        }
    }

    private static List<String> expectations(List<Map<String, Object>> stepList) {
        List<String> out = new ArrayList<>();
        boolean then = false;
        for (Map<String, Object> step : stepList) {
            String keyword = (String) step.get("keyword");
            if (keyword.equals("Then")) {
                then = true;
            } else if (keyword.equals("Given") || keyword.equals("When")) {
                then = false;
            }
            if (then) {
                out.add((String) step.get("text"));
            }
        }
        return out;
    }

    private static Map<String, Object> exchange(ScenarioEvidence.ExchangeRecord x) {
        Map<String, Object> m = new LinkedHashMap<>();
        Exchange.Request r = x.request();
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("method", r.method());
        req.put("path", r.path());
        req.put("host", r.host());
        req.put("headers", r.headers().stream().map(h -> h.getKey() + ": " + h.getValue()).toList());
        if (r.randomValue() != null) {
            req.put("randomValue", Long.toUnsignedString(r.randomValue()));
        }
        m.put("via", x.via() == null ? "sidecar" : x.via());
        m.put("request", req);
        m.put("count", x.count());
        Exchange.Response first = x.first();
        if (first != null) {
            Map<String, Object> resp = new LinkedHashMap<>();
            resp.put("status", first.status());
            resp.put("pod", first.pod());
            resp.put("labels", first.labels() == null ? Map.of() : new TreeMap<>(first.labels()));
            resp.put("responseFlags", first.responseFlags());
            resp.put("summary", first.toString());
            m.put("response", resp);
        }
        m.put("outcomes", x.outcomes());
        m.put("route", x.route());
        return m;
    }

    static String status(Status status) {
        return switch (status) {
            case PASSED -> "passed";
            case SKIPPED, UNUSED -> "skipped";
            default -> "failed";
        };
    }

    private static String relative(URI uri) {
        try {
            Path root = Path.of(System.getProperty("meshroute.root", ".")).toAbsolutePath().normalize();
            Path file = Path.of(uri).toAbsolutePath().normalize();
            if (file.startsWith(root)) {
                return root.relativize(file).toString().replace('\\', '/');
            }
        } catch (RuntimeException e) {
            // not a file URI (classpath:...): keep it as it is
        }
        String s = uri.toString();
        int features = s.lastIndexOf("features/");
        return features < 0 ? s : s.substring(features);
    }

    private synchronized void runFinished(TestRunFinished e) {
        ScenarioEvidence.collect(false);
        Map<String, Object> report = build(started, e.getInstant());
        try {
            Files.createDirectories(dir);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(dir.resolve("report.json").toFile(), report);
            JunitXml.write(report, dir.resolve("junit.xml"));
            Files.writeString(dir.resolve("index.html"), HtmlReport.render(report));
            String summary = ConsoleSummary.render(report, dir);
            Files.writeString(dir.resolve("summary.txt"), summary);
            console.print(summary);
            console.flush();
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write the run's reports into " + dir, ex);
        }
    }

    private Map<String, Object> build(Instant begin, Instant end) {
        MeshUnderTest mesh = Targets.get();
        String target = selected.get();
        Path root = Path.of(System.getProperty("meshroute.root", "."));
        String suiteVersion = System.getProperty("meshroute.suite.version", "unknown");
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("format", FORMAT);
        Map<String, Object> impl = new LinkedHashMap<>();
        impl.put("name", mesh.name());
        // the reference is built with the suite: its version is the project's
        impl.put("version", target.equals("reference") && !suiteVersion.equals("unknown") ? suiteVersion
                : mesh.version());
        impl.put("target", target);
        mesh.unavailable().ifPresent(u -> impl.put("unavailable", u));
        report.put("implementation", impl);
        Map<String, Object> suite = new LinkedHashMap<>();
        suite.put("name", "meshroute");
        suite.put("version", suiteVersion);
        suite.put("commit", Inputs.gitCommit(root));
        report.put("suite", suite);
        report.put("target", target);
        report.put("date", begin.toString());
        report.put("finished", end.toString());
        report.put("durationMs", Duration.between(begin, end).toMillis());
        report.put("inputs", Inputs.digest(root, List.of("features", "fixtures")));
        // route coverage (reference target only): the totals here, every entry in coverage.json (RunCoverage)
        var coverage = dev.meshroute.conformance.coverage.RunCoverage.report();
        if (target.equals("reference") && coverage.total() > 0) {
            Map<String, Object> totals = new LinkedHashMap<>(coverage.toJsonTree());
            totals.remove("items");
            totals.put("details", "coverage.json");
            report.put("coverage", totals);
        }
        List<Map<String, Object>> sorted = new ArrayList<>(scenarios);
        sorted.sort((a, b) -> {
            int c = ((String) a.get("uri")).compareTo((String) b.get("uri"));
            return c != 0 ? c : Integer.compare((Integer) a.get("line"), (Integer) b.get("line"));
        });
        report.put("summary", counts(sorted));
        Map<String, Object> profiles = new LinkedHashMap<>();
        for (String p : List.of("core", "extended", "none")) {
            List<Map<String, Object>> in = sorted.stream().filter(s -> p.equals(s.get("profile"))).toList();
            if (!in.isEmpty() || !p.equals("none")) {
                profiles.put(p, counts(in));
            }
        }
        report.put("profiles", profiles);
        Map<String, Object> capabilities = new TreeMap<>();
        for (Map<String, Object> s : sorted) {
            @SuppressWarnings("unchecked")
            List<String> caps = (List<String>) s.get("capabilities");
            for (String c : caps) {
                capabilities.putIfAbsent(c, null);
            }
        }
        for (String c : List.copyOf(capabilities.keySet())) {
            capabilities.put(c, counts(sorted.stream().filter(s -> ((List<?>) s.get("capabilities")).contains(c))
                    .toList()));
        }
        report.put("capabilities", capabilities);
        Map<String, Integer> reasons = new TreeMap<>();
        sorted.stream().filter(s -> s.get("reason") != null)
                .forEach(s -> reasons.merge((String) s.get("reason"), 1, Integer::sum));
        report.put("skippedReasons", reasons);
        report.put("scenarios", sorted);
        return report;
    }

    static Map<String, Object> counts(List<Map<String, Object>> scenarios) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("total", scenarios.size());
        for (String status : STATUSES) {
            c.put(status, (int) scenarios.stream().filter(s -> status.equals(s.get("status"))).count());
        }
        return c;
    }
}
