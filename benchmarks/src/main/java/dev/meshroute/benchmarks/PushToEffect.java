package dev.meshroute.benchmarks;

import dev.meshroute.reference.bench.KeepAliveClient;
import dev.meshroute.reference.config.DirectoryLoader;
import dev.meshroute.reference.dataplane.RandomSource;
import dev.meshroute.reference.mesh.ConfigWatcher;
import dev.meshroute.reference.mesh.ReferenceMesh;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Push to effect: the time from a change of a config file to the first request the reference proxy serves by the
 * new route, as a user of {@code meshroute-reference serve} sees it. The reference mesh watches a directory
 * holding two Services on one pod and a VirtualService of N routes (exact URIs). Each push replaces a file as the
 * README tells users to (the new text written in full under another name, then renamed over the file; the clock
 * starts at the rename): with {@link Edit#BIG} the VirtualService of N routes, its last route moved to a new URI;
 * with {@link Edit#SMALL} the one-route VirtualService of the other service (the N routes stay). A client asks for
 * the new URI every millisecond (over one kept-alive connection) until the proxy answers it from the pod by the new
 * route: status 200 and the response header {@code x-push} the new route sets to its URI (a 200 alone could come
 * from the service's default route). Reports p50, p99 and max per table size, and how long the control plane's
 * apply (load, validate, translate, publish) took in the timed pushes.
 *
 * <p>{@code java -Xms2g -Xmx2g -XX:+AlwaysPreTouch -cp benchmarks/target/benchmarks.jar
 * dev.meshroute.benchmarks.PushToEffect [pushes] [sizes...]} (defaults: 30 pushes; 10 1000 10000 routes; both
 * edits), with the heap README advises for {@code serve} with thousands of routes.
 *
 * <p>Each row's timed pushes come after {@value #DEFAULT_WARMUP_PUSHES} untimed ones of the same edit and size, as
 * in a {@code serve} process that has applied such tables for a while ({@code -Dmeshroute.push.warmup=N}; 0
 * measures the first pushes of a new JVM, the JIT still compiling the apply path).
 * {@code -Dmeshroute.push.verbose=true} prints every timed push and every apply: its wall and CPU time, the kernel's
 * part of that CPU time and the thread's page faults (an apply that touches memory the JVM has just committed, after
 * G1 grew the heap, spends up to half a second in the kernel: the reason for a fixed heap).
 */
public final class PushToEffect {

    private static final String HOST = "reviews.default.svc.cluster.local";
    private static final String OTHER_HOST = "ratings.default.svc.cluster.local";

    /** Which file a push edits. */
    public enum Edit {
        /** the VirtualService that holds all the routes (its last route moves to a new URI) */
        BIG,
        /** a one-route VirtualService of another service; the one with all the routes stays as it is */
        SMALL
    }

    /** The figures of one table size, in milliseconds. */
    public record Result(Edit edit, int routes, int pushes, double p50, double p99, double max, double applyP50,
                         double applyP99) {
        @Override
        public String toString() {
            return String.format("push-to-effect edit=%-5s routes=%-6d pushes=%-4d p50=%8.1f ms  p99=%8.1f ms"
                    + "  max=%8.1f ms  (apply p50=%.1f ms p99=%.1f ms)", edit, routes, pushes, p50, p99, max, applyP50, applyP99);
        }
    }

    public static void main(String[] args) throws Exception {
        int pushes = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int[] sizes = args.length > 1 ? Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[] {10, 1000, 10000};
        System.out.printf("machine: %d cpus, %s, java %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.arch"), System.getProperty("java.version"));
        var heap = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        System.out.printf("heap: %d MB at start, at most %d MB (README advises a fixed one for large configurations)%n",
                heap.getInit() >> 20, heap.getMax() >> 20);
        int warmup = Integer.getInteger("meshroute.push.warmup", DEFAULT_WARMUP_PUSHES);
        System.out.printf("%d untimed pushes before each row's timed ones%n", warmup);
        for (Edit edit : Edit.values()) {
            for (int routes : sizes) {
                System.out.println(run(edit, routes, pushes, warmup));
            }
        }
    }

    /** System.nanoTime() at JVM start, to line verbose pushes up with a GC log's uptime stamps. */
    private static final long JVM_START_NANOS = System.nanoTime()
            - java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000L;

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    /**
     * Untimed pushes before each row's timed ones. A JVM that has just started to apply tables of a new size
     * is still compiling (C2, on-stack replacement of the loops over every route) for some 20 pushes; with 2
     * of them a row's p99 at 10,000 routes was such a push (up to 1 s), not the steady state.
     */
    static final int DEFAULT_WARMUP_PUSHES = 30;

    /** Runs {@code pushes} timed pushes, after {@code warmup} untimed ones, against a table of {@code routes} routes. */
    public static Result run(Edit edit, int routes, int pushes, int warmup) throws Exception {
        Path work = Files.createTempDirectory("meshroute-push");
        Path dir = Files.createDirectory(work.resolve("config")); // watched
        Path staging = Files.createDirectory(work.resolve("staging")); // same file system, not watched
        Files.writeString(dir.resolve("reviews.yaml"), WORKLOADS);
        Path vs = dir.resolve(edit == Edit.BIG ? "reviews-vs.yaml" : "ratings-vs.yaml");
        String host = edit == Edit.BIG ? HOST : OTHER_HOST;
        if (edit == Edit.SMALL) {
            Files.writeString(dir.resolve("reviews-vs.yaml"), virtualService("reviews", HOST, routes, "/svc-last"));
        }
        Files.writeString(vs, virtualService(edit, routes, "/push-0"));
        List<Double> applyMillis = new ArrayList<>();
        DirectoryLoader loader = new DirectoryLoader(dir);
        try (ReferenceMesh mesh = new ReferenceMesh(new InetSocketAddress("127.0.0.1", 0),
                new InetSocketAddress("127.0.0.1", 0), RandomSource.THREAD_LOCAL);
             ConfigWatcher watcher = ConfigWatcher.start(dir, () -> {
                 boolean verbose = Boolean.getBoolean("meshroute.push.verbose");
                 // read before the clock starts: the /proc read is not part of the apply
                 long[] faultsStart = verbose ? ThreadFaults.read() : null;
                 long start = System.nanoTime();
                 long cpuStart = THREADS.getCurrentThreadCpuTime();
                 long userStart = THREADS.getCurrentThreadUserTime();
                 mesh.apply(loader.load());
                 double millis = (System.nanoTime() - start) / 1e6;
                 synchronized (applyMillis) {
                     applyMillis.add(millis);
                 }
                 if (verbose) {
                     long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
                     long user = THREADS.getCurrentThreadUserTime() - userStart;
                     long[] faults = ThreadFaults.read();
                     // the user time comes in clock ticks (10 ms), the CPU time finer: the kernel's part is +-10 ms
                     System.out.printf("    apply %.1f ms, %.1f ms of it on a CPU (about %.0f in the kernel;"
                             + " page faults %d minor, %d major)%n", millis, cpu / 1e6, Math.max(0, cpu - user) / 1e6,
                             faults[0] - faultsStart[0], faults[1] - faultsStart[1]);
                 }
             }, 500)) {
            mesh.apply(loader.load());
            awaitServed(mesh.proxyPort(), host, "/push-0", TimeUnit.SECONDS.toNanos(300));
            double[] millis = new double[pushes];
            for (int k = 1; k <= pushes + warmup; k++) {
                String uri = "/push-" + k;
                String yaml = virtualService(edit, routes, uri);
                Thread.sleep(20); // the previous push has settled; the next one is a new edit
                if (k == warmup + 1) {
                    synchronized (applyMillis) {
                        applyMillis.clear(); // the apply figures are of the timed pushes only
                    }
                }
                // written as the README tells users to: in full under another name, then renamed over the file
                Path next = Files.writeString(staging.resolve(vs.getFileName()), yaml);
                long start = System.nanoTime();
                Files.move(next, vs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                long written = System.nanoTime();
                long served = awaitServed(mesh.proxyPort(), host, uri, TimeUnit.SECONDS.toNanos(300));

                if (k > warmup) {
                    millis[k - warmup - 1] = (served - start) / 1e6;
                    if (Boolean.getBoolean("meshroute.push.verbose")) {
                        System.out.printf("  push %d: %.1f ms (the rename took %.1f ms; at JVM uptime %.3f s)%n",
                                k - warmup, millis[k - warmup - 1], (written - start) / 1e6,
                                (start - JVM_START_NANOS) / 1e9);
                    }
                }
            }
            Arrays.sort(millis);
            double[] apply;
            synchronized (applyMillis) {
                apply = applyMillis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            }
            return new Result(edit, routes, pushes, percentile(millis, 50), percentile(millis, 99), millis[pushes - 1],
                    percentile(apply, 50), percentile(apply, 99));
        } finally {
            for (Path d : List.of(dir, staging, work)) {
                try (var files = Files.list(d)) {
                    for (Path p : files.toList()) {
                        Files.deleteIfExists(p);
                    }
                }
                Files.deleteIfExists(d);
            }
        }
    }

    private static double percentile(double[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /**
     * Asks for {@code uri} until the proxy answers it by the route for it (200 from the pod, with the route's
     * {@code x-push} header); returns System.nanoTime() then. The requests go over one kept-alive connection
     * (a new one only when the proxy closes it): each request is routed by the route table in force when it
     * arrives, as a new connection's would be, and the client costs the process under test far less CPU and
     * garbage than a connection per request (which it shares the JVM and the two cores with).
     */
    private static long awaitServed(int port, String host, String uri, long timeoutNanos) throws Exception {
        long deadline = System.nanoTime() + timeoutNanos;
        byte[] request = ("GET " + uri + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        try (KeepAliveClient client = new KeepAliveClient(new InetSocketAddress("127.0.0.1", port))) {
            while (true) {
                int status = -1;
                String pushed = null;
                try {
                    KeepAliveClient.Response response = client.exchange(request);
                    status = response.status();
                    pushed = response.headers().get(PUSH_HEADER);
                } catch (IOException e) {
                    client.reopen(); // the proxy closed the connection: the next request goes on a new one
                }
                long now = System.nanoTime();
                if (status == 200 && uri.equals(pushed)) {
                    return now;
                }
                if (now > deadline) {
                    throw new IllegalStateException(uri + " was not served within the timeout; last status " + status);
                }
                Thread.sleep(1);
            }
        }
    }

    static String virtualService(Edit edit, int routes, String lastUri) {
        return edit == Edit.BIG ? virtualService("reviews", HOST, routes, lastUri)
                : virtualService("ratings", OTHER_HOST, 1, lastUri);
    }

    /** The response header the route of the pushed URI sets (to that URI): only that route answers with it. */
    static final String PUSH_HEADER = "x-push";

    static String virtualService(String name, String host, int routes, String lastUri) {
        StringBuilder b = new StringBuilder("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: %s
                  namespace: default
                spec:
                  hosts:
                  - %s
                  http:
                """.formatted(name, host));
        for (int i = 0; i < routes; i++) {
            String uri = i == routes - 1 ? lastUri : "/svc-" + i + "/items";
            b.append("  - name: r").append(i).append("\n    match:\n    - uri:\n        exact: ").append(uri)
                    .append("\n    route:\n    - destination:\n        host: ").append(host).append('\n');
            if (i == routes - 1) {
                b.append("    headers:\n      response:\n        set:\n          ").append(PUSH_HEADER).append(": ")
                        .append(uri).append('\n');
            }
        }
        return b.toString();
    }

    private static final String WORKLOADS = """
            apiVersion: v1
            kind: Service
            metadata:
              name: reviews
              namespace: default
            spec:
              selector:
                app: reviews
              ports:
              - name: http
                port: 80
                targetPort: 8080
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: ratings
              namespace: default
            spec:
              selector:
                app: reviews
              ports:
              - name: http
                port: 80
                targetPort: 8080
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: reviews-v1
              namespace: default
            spec:
              replicas: 1
              selector:
                matchLabels:
                  app: reviews
              template:
                metadata:
                  labels:
                    app: reviews
            """;

    private PushToEffect() {
    }
}
