package dev.meshroute.benchmarks;

import dev.meshroute.reference.config.ConfigLoader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The control plane's read of one VirtualService file of N routes (the text PushToEffect's BIG edit writes):
 * SnakeYAML's scan and parse, the node tree, and {@code ResourceParser} building the model, with its checks of
 * field names and shapes. This is the largest part of a BIG push's apply at 10,000 routes (BENCHMARKS.md, "Push
 * to effect").
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar ConfigParse -prof gc</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ConfigParse {

    @Param({"1000", "10000"})
    public int routes;

    private String text;

    @Setup
    public void setUp() {
        text = PushToEffect.virtualService(PushToEffect.Edit.BIG, routes, "/push-1");
        ConfigLoader.LoadResult r = ConfigLoader.loadText("reviews-vs.yaml", text);
        if (r.resources().size() != 1 || !r.diagnostics().isEmpty()) {
            throw new IllegalStateException("the benchmark's VirtualService does not load cleanly: " + r.diagnostics());
        }
    }

    @Benchmark
    public ConfigLoader.LoadResult loadText() {
        return ConfigLoader.loadText("reviews-vs.yaml", text);
    }
}
