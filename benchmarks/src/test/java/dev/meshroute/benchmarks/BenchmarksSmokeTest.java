package dev.meshroute.benchmarks;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.Collection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmarks compile and run: each briefly, once, with figures that mean nothing (no warm-up, in this JVM).
 * Timing is BENCHMARKS.md's business, never a test's.
 */
class BenchmarksSmokeTest {

    @Test
    void routeLookup_runsEveryMethodOnce() throws Exception {
        // in this JVM, so another JMH run on the machine (a benchmark in progress) must not block the build
        System.setProperty("jmh.ignoreLock", "true");
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(RouteLookup.class.getName())
                .param("routes", "100")
                .param("mix", "regex10")
                .param("target", "last")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(50))
                .shouldFailOnError(true)
                .build()).run();
        assertEquals(2, results.size()); // match and route
        results.forEach(r -> assertTrue(r.getPrimaryResult().getScore() > 0, r.getParams().getBenchmark()));
    }

    @Test
    void routeLookup_everyMixMatchesTheIntendedRoute() {
        for (String mix : new String[] {"exact-prefix", "regex10", "headers"}) {
            for (int routes : new int[] {1, 100, 1000}) {
                for (String target : new String[] {"first", "last"}) {
                    RouteLookup b = new RouteLookup();
                    b.mix = mix;
                    b.routes = routes;
                    b.target = target;
                    b.setUp(); // throws unless the request matches exactly the intended route
                }
            }
        }
    }

    @Test
    void configParse_loadsTheVirtualServiceOfEachSize() {
        for (int routes : new int[] {1000, 10000}) {
            ConfigParse b = new ConfigParse();
            b.routes = routes;
            b.setUp(); // throws unless the text loads as one resource without a diagnostic
            assertEquals(1, b.loadText().resources().size());
        }
    }

    @Test
    void pushToEffect_servesEachPush() throws Exception {
        PushToEffect.Result r = PushToEffect.run(PushToEffect.Edit.BIG, 10, 2, 0);
        assertEquals(2, r.pushes());
        assertTrue(r.p50() > 0 && r.max() >= r.p99(), r.toString());
    }
}
