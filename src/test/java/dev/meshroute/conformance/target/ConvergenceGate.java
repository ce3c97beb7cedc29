package dev.meshroute.conformance.target;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Proves a scenario's configuration is live before any verdict, on every target: the configuration
 * carries a probe (a VirtualService rule that matches a header value unique to this apply), and the
 * gate passes once the probe routes to its pod {@value #REQUIRED_IN_A_ROW} times in a row. Only this
 * gate retries; verdicts never do. Sampling before the new configuration is live is how the anchor
 * suites flake (gateway-api #3233, Kong #4661).
 */
public final class ConvergenceGate {

    public static final String PROBE_HOST = "meshroute-probe";
    /** The name of the probe's YAML, as findings and route coverage call it. */
    public static final String PROBE_FILE = "meshroute-probe.yaml";
    static final String PROBE_HEADER = "x-meshroute-probe";
    public static final int REQUIRED_IN_A_ROW = 3;

    private final String nonce = UUID.randomUUID().toString();
    private final Duration timeout;

    public ConvergenceGate(Duration timeout) {
        this.timeout = timeout;
    }

    /** The timeout from {@code -Dmeshroute.convergence.timeout} (ISO-8601, e.g. PT30S), default 30 s. */
    public static ConvergenceGate fromSystemProperties() {
        return new ConvergenceGate(Duration.parse(System.getProperty("meshroute.convergence.timeout", "PT30S")));
    }

    /** The probe's Service, Pod and VirtualService, to apply together with the scenario's configuration. */
    public ConfigSource probe() {
        return new ConfigSource(PROBE_FILE, """
                apiVersion: v1
                kind: Service
                metadata: {name: %1$s, namespace: default}
                spec:
                  selector: {app: %1$s}
                  ports: [{name: http, port: 80}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: %1$s, namespace: default, labels: {app: %1$s}}
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: %1$s, namespace: default}
                spec:
                  hosts: [%1$s]
                  http:
                  - match: [{headers: {%2$s: {exact: "%3$s"}}}]
                    route: [{destination: {host: %1$s}}]
                """.formatted(PROBE_HOST, PROBE_HEADER, nonce));
    }

    /**
     * Waits until the probe answers from its pod several times in a row and returns how long that took.
     *
     * @throws AssertionError naming the last answer when the timeout passes first
     */
    public Duration await(MeshUnderTest target) {
        Exchange.Request request = new Exchange.Request("GET", "/", PROBE_HOST,
                List.of(Map.entry(PROBE_HEADER, nonce)));
        AtomicInteger inARow = new AtomicInteger();
        AtomicReference<Exchange.Response> last = new AtomicReference<>();
        long start = System.nanoTime();
        try {
            Awaitility.await("the configuration's probe routes " + REQUIRED_IN_A_ROW + " times in a row")
                    .atMost(timeout)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        Exchange.Response r = target.send(request);
                        last.set(r);
                        boolean ok = r.reachedPod() && PROBE_HOST.equals(r.pod());
                        return (ok ? inARow.incrementAndGet() : reset(inARow)) >= REQUIRED_IN_A_ROW;
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the configuration did not become live within " + timeout.toMillis()
                    + " ms: the probe " + request + " last got " + last.get(), e);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static int reset(AtomicInteger counter) {
        counter.set(0);
        return 0;
    }
}
