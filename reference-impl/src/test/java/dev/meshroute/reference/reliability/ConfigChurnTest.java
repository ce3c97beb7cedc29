package dev.meshroute.reference.reliability;

import dev.meshroute.reference.config.ConfigLoader;
import dev.meshroute.reference.dataplane.RandomSource;
import dev.meshroute.reference.mesh.ReferenceMesh;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static dev.meshroute.reference.testsupport.Fixtures.SERVICE;
import static dev.meshroute.reference.testsupport.Fixtures.docs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Config churn under load (issue #10): 1,000 route updates pushed through the real control plane and ADS stream to
 * the reference proxy while clients send requests without pause. Every update renames the subset the route goes to
 * (so each one adds a cluster, removes the previous one and changes RDS and EDS together) and moves the traffic to
 * another pod. Make-before-break means a request is routed by the old or the new configuration: no 503 NC for a
 * cluster that is not known yet or already removed, no other failure, and the pod that answers is the one a
 * configuration in force between the request's sending and its answer allows.
 *
 * <p>Configuration k is in force at the earliest when its apply starts, and at the latest until configuration k+1
 * is seen live (ACKed for every type, which the proxy sends only after swapping its table); the check uses exactly
 * that window, so it cannot be met by a stale table nor by one ahead of the control plane.
 */
@Timeout(120)
class ConfigChurnTest {

    private static final int UPDATES = Integer.getInteger("meshroute.churn.updates", 1000);
    private static final int CLIENTS = 2;
    private static final int PODS = 4;
    /**
     * Subset names cycle through s0..s7: consecutive updates always differ (a new cluster, the previous one gone),
     * and the eight files are read once, so the run measures the control plane and the proxy, not the YAML reader.
     */
    private static final int SUBSETS = 8;
    private static final List<ConfigLoader.LoadResult> LOADED = java.util.stream.IntStream.range(0, SUBSETS)
            .mapToObj(k -> ConfigLoader.loadText("churn-" + k + ".yaml", config(k))).toList();

    private record Exchange(long sentNanos, long receivedNanos, int status, String flags, String pod, String error) {
    }

    private static String pods() {
        List<String> docs = new ArrayList<>();
        for (int i = 0; i < PODS; i++) {
            docs.add("""
                    apiVersion: v1
                    kind: Pod
                    metadata:
                      name: churn-v%d
                      labels: {app: my-app, version: v%d}
                    """.formatted(i, i));
        }
        return docs(docs.toArray(String[]::new));
    }

    /** Update k: subset s{k mod 8} selects the pods of version v{k mod 4}, and the route sends everything there. */
    private static String config(int k) {
        return docs(SERVICE, pods(), """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: my-app}
                spec:
                  host: my-app.default.svc.cluster.local
                  subsets:
                  - name: s%d
                    labels: {version: v%d}
                """.formatted(k, k % PODS), """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: my-app}
                spec:
                  hosts: [my-app]
                  http:
                  - route: [{destination: {host: my-app, subset: s%d}}]
                """.formatted(k));
    }

    private static String podOf(int k) {
        return "churn-v" + (k % PODS);
    }

    @Test
    void thousandRouteUpdatesUnderLoad_noRequestFailsOrIsMisrouted() throws Exception {
        long[] published = new long[UPDATES + 1];
        long[] live = new long[UPDATES + 1];
        List<Exchange> exchanges = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        try (ReferenceMesh mesh = new ReferenceMesh(new InetSocketAddress("127.0.0.1", 0),
                new InetSocketAddress("127.0.0.1", 0), RandomSource.THREAD_LOCAL)) {
            published[0] = System.nanoTime();
            live[0] = applyAndAwait(mesh, 0);
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                Thread t = new Thread(() -> traffic(mesh.proxyPort(), stop, exchanges), "churn-client-" + c);
                t.start();
                clients.add(t);
            }
            long start = System.nanoTime();
            for (int k = 1; k <= UPDATES; k++) {
                published[k] = System.nanoTime();
                live[k] = applyAndAwait(mesh, k);
            }
            long churnNanos = System.nanoTime() - start;
            stop.set(true);
            for (Thread t : clients) {
                t.join(15_000);
                assertFalse(t.isAlive(), "a client hangs");
            }

            List<String> wrong = new ArrayList<>();
            Set<String> podsSeen = new HashSet<>();
            long during = 0;
            for (Exchange e : exchanges) {
                if (e.sentNanos() >= start && e.receivedNanos() <= start + churnNanos) {
                    during++;
                }
                Set<String> allowed = allowed(published, live, e.sentNanos(), e.receivedNanos());
                if (e.error() != null || e.status() != 200 || !allowed.contains(e.pod())) {
                    if (wrong.size() < 10) {
                        wrong.add(e + " allowed " + allowed);
                    }
                    wrong.add("");
                } else {
                    podsSeen.add(e.pod());
                }
            }
            long failures = wrong.stream().filter(String::isEmpty).count();
            System.out.printf("config churn: %d updates in %d ms, %d requests (%d entirely during the churn),"
                            + " %d failed or misrouted, %d NACKs%n", UPDATES, TimeUnit.NANOSECONDS.toMillis(churnNanos),
                    exchanges.size(), during, failures, mesh.controlPlane().nacks().size());
            assertEquals(0, failures, "failed or misrouted: " + wrong.stream().filter(s -> !s.isEmpty()).toList());
            assertTrue(mesh.controlPlane().nacks().isEmpty(), mesh.controlPlane().nacks().toString());
            // the traffic really flowed through the churn, and really followed it
            assertTrue(during >= UPDATES / 2, "too little traffic during the churn: " + during);
            assertEquals(PODS, podsSeen.size(), "traffic did not follow the updates: " + podsSeen);
        } finally {
            stop.set(true);
        }
    }

    /** The pods the configurations possibly in force between {@code sent} and {@code received} route to. */
    private static Set<String> allowed(long[] published, long[] live, long sent, long received) {
        Set<String> out = new HashSet<>();
        for (int k = 0; k < published.length; k++) {
            boolean startedBeforeAnswer = published[k] <= received;
            boolean notSurelyReplacedBeforeSend = k + 1 >= published.length || live[k + 1] >= sent;
            if (startedBeforeAnswer && notSurelyReplacedBeforeSend) {
                out.add(podOf(k));
            }
        }
        return out;
    }

    private static long applyAndAwait(ReferenceMesh mesh, int k) {
        ReferenceMesh.Applied applied = mesh.apply(LOADED.get(k % SUBSETS));
        assertFalse(applied.hasErrors(), applied.diagnostics().toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!mesh.isLive(applied.version())) {
            assertTrue(System.nanoTime() < deadline, "update " + k + " (version " + applied.version()
                    + ") not live within 20 s; NACKs: " + mesh.controlPlane().nacks());
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
        }
        return System.nanoTime();
    }

    private static void traffic(int port, AtomicBoolean stop, List<Exchange> out) {
        Http1 client = new Http1(port);
        try {
            while (!stop.get()) {
                long sent = System.nanoTime();
                try {
                    Http1.Response r = client.get("my-app", "/churn");
                    out.add(new Exchange(sent, System.nanoTime(), r.status(), r.flags(), r.pod(), null));
                } catch (IOException | RuntimeException e) {
                    out.add(new Exchange(sent, System.nanoTime(), 0, null, null, e.toString()));
                }
            }
        } finally {
            client.close();
        }
    }
}
