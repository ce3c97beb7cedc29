package dev.meshroute.reference.reliability;

import dev.meshroute.reference.dataplane.HttpRequestHead;
import dev.meshroute.reference.dataplane.RandomSource;
import dev.meshroute.reference.dataplane.RouteDecision;
import dev.meshroute.reference.dataplane.RouteTable;
import dev.meshroute.reference.registry.Pod;
import dev.meshroute.reference.translate.ClientProxy;
import dev.meshroute.reference.translate.XdsResources;
import dev.meshroute.reference.translate.XdsTranslator;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.meshroute.reference.testsupport.Fixtures.DR_V1_V2;
import static dev.meshroute.reference.testsupport.Fixtures.FQDN;
import static dev.meshroute.reference.testsupport.Fixtures.SERVICE;
import static dev.meshroute.reference.testsupport.Fixtures.config;
import static dev.meshroute.reference.testsupport.Fixtures.pod;
import static dev.meshroute.reference.testsupport.Fixtures.vs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ReDoS immunity (issue #10): route regexes run on RE2 (re2j), whose matching time is linear in the input. The
 * pathological family {@code a?^n a^n} (Cox, "Regular Expression Matching Can Be Simple And Fast"; n = 25) takes a
 * backtracking engine about 2^25 steps per starting position; here it goes through the proxy's real matcher (a
 * VirtualService header match, translated to xDS, compiled into a {@link RouteTable}) against 64 KiB header values.
 *
 * <p>Not a wall-clock threshold: (1) a hang guard far above what linear work needs, and (2) the growth of the work
 * with the input, measured as this thread's CPU time (other processes on a loaded machine do not count in it),
 * the best of several runs, at 16, 32 and 64 KiB: linear work doubles with the input (quadratic would quadruple).
 */
class RegexLinearTimeTest {

    private static final int N = 25;
    /** a?a?...a? (n times) then a...a (n times): RE2's full match accepts a^n .. a^2n only. */
    private static final String FAMILY = "a?".repeat(N) + "a".repeat(N);
    private static final String V1 = "outbound|80|v1|" + FQDN;
    private static final String V2 = "outbound|80|v2|" + FQDN;
    private static final List<Pod> PODS = List.of(pod("v1-a", "v1", 9001), pod("v2-a", "v2", 9002));

    /** x-probe full-matches {@code regex} -> v2, anything else -> v1. */
    private static RouteTable table(String regex) {
        XdsResources x = XdsTranslator.translate(config(SERVICE, DR_V1_V2, vs("vs", """
                - match: [{headers: {x-probe: {regex: "%s"}}}]
                  route: [{destination: {host: my-app, subset: v2}}]
                - route: [{destination: {host: my-app, subset: v1}}]
                """.formatted(regex))), PODS, ClientProxy.DEFAULT);
        return RouteTable.compileClusters(x.routes().stream().filter(r -> r.getName().equals("80")).findFirst()
                        .orElseThrow(), x.clusters(),
                x.endpoints().stream().collect(java.util.stream.Collectors.toMap(e -> e.getClusterName(), e -> e)),
                RandomSource.THREAD_LOCAL, dev.meshroute.reference.mutants.Mutant.NONE, System::currentTimeMillis);
    }

    private static String cluster(RouteTable table, String value) {
        RouteDecision d = table.route(new HttpRequestHead("GET", "/", "my-app", "http",
                List.of(Map.entry("x-probe", value))));
        return ((RouteDecision.Forward) d).cluster();
    }

    @Test
    void pathologicalFamily_n25_decidesCorrectly_on64KiBValues_withoutHanging() {
        RouteTable table = table(FAMILY);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            assertEquals(V2, cluster(table, "a".repeat(N)));       // a backtracker's 2^25 case
            assertEquals(V2, cluster(table, "a".repeat(2 * N)));
            assertEquals(V1, cluster(table, "a".repeat(2 * N + 1)));
            assertEquals(V1, cluster(table, "a".repeat(N - 1)));
            assertEquals(V1, cluster(table, "a".repeat(64 * 1024)));
            assertEquals(V1, cluster(table, "a".repeat(64 * 1024 - 1) + "b"));
        }, "RE2 decides these in microseconds; a backtracking engine takes minutes or more");
    }

    /**
     * The same family behind {@code .*}, so that no value can be rejected early: every byte of the value has to be
     * read, with up to 2n+1 live states at each (a backtracker would restart its 2^n search at every offset).
     */
    @Test
    void pathologicalFamily_n25_workGrowsLinearlyWithTheValue() {
        RouteTable table = table(".*" + FAMILY);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            int[] sizes = {16 * 1024, 32 * 1024, 64 * 1024};
            String[] values = new String[sizes.length];
            for (int i = 0; i < sizes.length; i++) {
                values[i] = "a".repeat(sizes[i] - 1) + "b"; // never matches: the whole value is read
            }
            for (int warm = 0; warm < 3; warm++) {
                for (String v : values) {
                    assertEquals(V1, cluster(table, v));
                }
            }
            long[] best = new long[sizes.length];
            java.util.Arrays.fill(best, Long.MAX_VALUE);
            for (int rep = 0; rep < 7; rep++) {
                for (int i = 0; i < sizes.length; i++) {
                    long t0 = cpuNanos(cpu);
                    assertEquals(V1, cluster(table, values[i]));
                    best[i] = Math.min(best[i], cpuNanos(cpu) - t0);
                }
            }
            double r1 = (double) best[1] / best[0];
            double r2 = (double) best[2] / best[1];
            double r = (double) best[2] / best[0];
            System.out.printf("RE2 a?{25}a{25} behind .*: best CPU time 16/32/64 KiB = %.2f / %.2f / %.2f ms,"
                    + " growth x%.2f, x%.2f (linear: x2, quadratic: x4)%n",
                    best[0] / 1e6, best[1] / 1e6, best[2] / 1e6, r1, r2);
            assertTrue(r < 8, "16 -> 64 KiB grew x" + r + ": not linear (linear x4, quadratic x16)");
            assertTrue(r1 < 3.2 && r2 < 3.2, "a doubling of the value more than tripled the work: x" + r1 + ", x" + r2);
            assertTrue(r > 2, "16 -> 64 KiB grew only x" + r + ": the value was not read (the test measures nothing)");
        });
    }

    private static long cpuNanos(ThreadMXBean cpu) {
        return cpu.isCurrentThreadCpuTimeSupported() ? cpu.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /** RE2 only: no user regex can reach java.util.regex, because no main source of the reference imports it. */
    @Test
    void noMainSource_usesJavaUtilRegex() throws IOException {
        Path main = Path.of("src/main/java");
        assertTrue(Files.isDirectory(main), "run from the reference-impl module: " + main.toAbsolutePath());
        try (Stream<Path> files = Files.walk(main)) {
            List<Path> offenders = files.filter(p -> p.toString().endsWith(".java")).filter(p -> {
                try {
                    return Files.readString(p).contains("java.util.regex");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
            assertEquals(List.of(), offenders);
        }
    }
}
