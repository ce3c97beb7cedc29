package dev.meshroute.conformance.report;

import dev.meshroute.conformance.stats.SplitVerdict;
import dev.meshroute.conformance.target.Exchange;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one scenario applied, sent and observed, for the run's reports ({@link RunReport}): the steps add to it
 * through {@code World}, and the report plugin takes it when the scenario finishes (by Cucumber's test case id).
 * Only the first {@value #MAX_EXCHANGES} exchanges are kept; the convergence probe's requests are only counted.
 */
public final class ScenarioEvidence {

    static final int MAX_EXCHANGES = 50;
    private static final Map<String, ScenarioEvidence> BY_TEST_CASE = new ConcurrentHashMap<>();
    /** True while a run with the report plugin is on: runs without it (mutants, deviation re-runs) keep nothing. */
    private static volatile boolean collecting;

    /**
     * One request (or {@code count} identical ones) and what came back: the first response, the outcomes counted
     * as a weighted split counts them, and the route the target's proxy would choose for it (null: not known).
     */
    public record ExchangeRecord(String via, Exchange.Request request, int count, Exchange.Response first,
                                 Map<String, Long> outcomes, String route) {
    }

    private final List<String> config = new ArrayList<>();
    private final List<ExchangeRecord> exchanges = new ArrayList<>();
    private final List<Map<String, Object>> splits = new ArrayList<>();
    private Duration applied;
    private Duration probed;
    private int probeRequests;
    private int droppedExchanges;

    /** Makes this the evidence of the running test case {@code testCaseId} (Cucumber's {@code Scenario.getId()}). */
    public void register(String testCaseId) {
        if (collecting) {
            BY_TEST_CASE.put(testCaseId, this);
        }
    }

    static void collect(boolean on) {
        collecting = on;
        if (!on) {
            BY_TEST_CASE.clear();
        }
    }

    /** The evidence of a finished test case, removed from the registry; empty evidence when none was registered. */
    static ScenarioEvidence take(String testCaseId) {
        ScenarioEvidence e = BY_TEST_CASE.remove(testCaseId);
        return e == null ? new ScenarioEvidence() : e;
    }

    /** The names of the configuration files (fixtures, or scenario-N.yaml for YAML written in the scenario). */
    public synchronized void configuration(List<String> fileNames) {
        config.clear();
        config.addAll(fileNames);
    }

    /** How long the target took to report the configuration applied, then until the probe routed. */
    public synchronized void converged(Duration untilApplied, Duration untilProbed) {
        this.applied = untilApplied;
        this.probed = untilProbed;
    }

    synchronized void probeRequest() {
        probeRequests++;
    }

    synchronized void exchange(ExchangeRecord record) {
        if (exchanges.size() < MAX_EXCHANGES) {
            exchanges.add(record);
        } else {
            droppedExchanges++;
        }
    }

    /** A weighted split's verdict with its statistical parameters. */
    public synchronized void split(Exchange.Request request, SplitVerdict verdict) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("request", request.toString());
        s.put("weights", new LinkedHashMap<>(verdict.check().weights()));
        s.put("n", verdict.n());
        s.put("alpha", verdict.alpha());
        s.put("testAlpha", verdict.check().testAlpha());
        s.put("tests", verdict.check().tests());
        s.put("deviation", verdict.check().deviation());
        s.put("minPower", verdict.check().minPower());
        s.put("falseFailureBound", verdict.falseFailureBound());
        double mdd = verdict.minDetectableDeviation();
        s.put("minDetectableDeviation", Double.isNaN(mdd) ? null : mdd);
        s.put("failedRequests", verdict.failedRequests());
        s.put("passed", verdict.passed());
        // The split is drawn by the target's own random source (the reference's proxy: per-thread, unseeded), so
        // no seed reproduces it; a deterministic-weights scenario's fixed random value is part of its request.
        s.put("seed", request.randomValue() == null ? null : Long.toUnsignedString(request.randomValue()));
        s.put("randomSource", request.randomValue() == null
                ? "the target's own, unseeded (not reproducible by seed)" : "fixed random value of the request");
        List<Map<String, Object>> destinations = new ArrayList<>();
        for (SplitVerdict.Destination d : verdict.destinations()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", d.name());
            m.put("weight", d.weight());
            m.put("expectedShare", d.expectedShare());
            m.put("observed", d.observed());
            m.put("observedShare", d.observedShare());
            m.put("acceptLow", d.region().lo());
            m.put("acceptHigh", d.region().hi());
            m.put("pValue", d.pValue());
            m.put("accepted", d.accepted());
            destinations.add(m);
        }
        s.put("destinations", destinations);
        splits.add(s);
    }

    public synchronized List<String> configuration() {
        return List.copyOf(config);
    }

    public synchronized List<ExchangeRecord> exchanges() {
        return List.copyOf(exchanges);
    }

    synchronized List<Map<String, Object>> splits() {
        return List.copyOf(splits);
    }

    synchronized Duration applied() {
        return applied;
    }

    synchronized Duration probed() {
        return probed;
    }

    synchronized int probeRequests() {
        return probeRequests;
    }

    synchronized int droppedExchanges() {
        return droppedExchanges;
    }

    /**
     * The last exchange, for an assertion message: the request, what came back (pod and labels, or the proxy's own
     * reply with its response flags), and the route the target's proxy would choose. Empty before any request.
     */
    public synchronized String diagnosis() {
        if (exchanges.isEmpty()) {
            return "";
        }
        ExchangeRecord last = exchanges.get(exchanges.size() - 1);
        return describe(last);
    }

    static String describe(ExchangeRecord e) {
        StringBuilder sb = new StringBuilder();
        sb.append("\n  request:  ").append(e.request()).append(e.count() > 1 ? " (x" + e.count() + ")" : "")
                .append(e.via() == null ? "" : " via " + e.via());
        sb.append("\n  observed: ").append(observed(e));
        sb.append("\n  route:    ").append(e.route() == null ? "not known (the target does not explain its routes)"
                : e.route());
        return sb.toString();
    }

    static String observed(ExchangeRecord e) {
        Exchange.Response r = e.first();
        String first = r == null ? "no response" : r.toString();
        if (e.count() > 1) {
            return "outcomes " + e.outcomes() + "; the first: " + first;
        }
        return first;
    }
}
