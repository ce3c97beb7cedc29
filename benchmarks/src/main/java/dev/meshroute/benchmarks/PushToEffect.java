package dev.meshroute.benchmarks;

import dev.meshroute.reference.config.DirectoryLoader;
import dev.meshroute.reference.dataplane.RandomSource;
import dev.meshroute.reference.mesh.ConfigWatcher;
import dev.meshroute.reference.mesh.ReferenceMesh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Push to effect: the time from a change of a config file to the first request the reference proxy serves by the
 * new route, as a user of {@code meshroute-reference serve} sees it. The reference mesh watches a directory
 * holding two Services on one pod and a VirtualService of N routes (exact URIs). Each push rewrites a file: with
 * {@link Edit#BIG} the VirtualService of N routes, its last route moved to a new URI; with {@link Edit#SMALL} the
 * one-route VirtualService of the other service (the N routes stay). A client asks for the new URI every millisecond
 * (a new connection each time) until the proxy answers it from the pod by the new route: status 200 and the
 * response header {@code x-push} the new route sets to its URI (a 200 alone could come from the service's
 * default route, while the rewritten file is momentarily empty or partly written). Reports p50, p99 and max per
 * table size, and how long the control plane's apply (load, validate, translate, publish) took.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.meshroute.benchmarks.PushToEffect [pushes] [sizes...]}
 * (defaults: 30 pushes; 10 1000 10000 routes; both edits).
 *
 * <p>Before the timed rows the JVM is warmed up, as a {@code serve} process that has run for a while is: each edit
 * pushed {@value #DEFAULT_WARMUP_PUSHES} times, untimed, at 1,000 routes ({@code -Dmeshroute.push.warmup=N}; 0
 * measures a cold JVM, whose first row then includes the JIT compiling the apply path).
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
        int warmup = Integer.getInteger("meshroute.push.warmup", DEFAULT_WARMUP_PUSHES);
        if (warmup > 0) {
            System.out.printf("JVM warm-up: %d untimed pushes of each edit at 1,000 routes%n", warmup);
            for (Edit edit : Edit.values()) {
                run(edit, 1000, 1, warmup);
            }
        }
        for (Edit edit : Edit.values()) {
            for (int routes : sizes) {
                System.out.println(run(edit, routes, pushes));
            }
        }
    }

    /** Untimed pushes per edit that warm the JVM up before the timed rows. */
    static final int DEFAULT_WARMUP_PUSHES = 20;

    /** Runs {@code pushes} timed pushes (after two untimed ones) against a table of {@code routes} routes. */
    public static Result run(Edit edit, int routes, int pushes) throws Exception {
        return run(edit, routes, pushes, 2);
    }

    /** As {@link #run(Edit, int, int)}, after {@code warmup} untimed pushes. */
    public static Result run(Edit edit, int routes, int pushes, int warmup) throws Exception {
        Path dir = Files.createTempDirectory("meshroute-push");
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
                 long start = System.nanoTime();
                 mesh.apply(loader.load());
                 synchronized (applyMillis) {
                     applyMillis.add((System.nanoTime() - start) / 1e6);
                 }
             }, 500)) {
            mesh.apply(loader.load());
            awaitServed(mesh.proxyPort(), host, "/push-0", TimeUnit.SECONDS.toNanos(300));
            double[] millis = new double[pushes];
            for (int k = 1; k <= pushes + warmup; k++) {
                String uri = "/push-" + k;
                String yaml = virtualService(edit, routes, uri);
                Thread.sleep(20); // the previous push has settled; the next one is a new edit
                long start = System.nanoTime();
                Files.writeString(vs, yaml);
                long served = awaitServed(mesh.proxyPort(), host, uri, TimeUnit.SECONDS.toNanos(300));
                if (k > warmup) {
                    millis[k - warmup - 1] = (served - start) / 1e6;
                    if (Boolean.getBoolean("meshroute.push.verbose")) {
                        System.out.printf("  push %d: %.1f ms%n", k - warmup, millis[k - warmup - 1]);
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
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
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
     * {@code x-push} header); returns System.nanoTime() then.
     */
    private static long awaitServed(int port, String host, String uri, long timeoutNanos) throws Exception {
        long deadline = System.nanoTime() + timeoutNanos;
        String marker = ("\r\n" + PUSH_HEADER + ": " + uri + "\r\n").toLowerCase(java.util.Locale.ROOT);
        while (true) {
            String head = get(port, host, uri);
            long now = System.nanoTime();
            int status = head.startsWith("HTTP/1.1 ") && head.length() >= 12 ? Integer.parseInt(head.substring(9, 12))
                    : -1;
            if (status == 200 && head.toLowerCase(java.util.Locale.ROOT).contains(marker)) {
                return now;
            }
            if (now > deadline) {
                throw new IllegalStateException(uri + " was not served within the timeout; last status " + status);
            }
            Thread.sleep(1);
        }
    }

    /** The response head (status line and headers, up to the blank line) of a GET, or what came before EOF. */
    private static String get(int port, String host, String uri) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + uri + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            while (head.size() < 65_536) {
                int r = in.read(buffer);
                if (r < 0) {
                    break;
                }
                head.write(buffer, 0, r);
                String text = head.toString(StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n");
                if (end >= 0) {
                    return text.substring(0, end + 2);
                }
            }
            return head.toString(StandardCharsets.ISO_8859_1);
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
