package dev.meshroute.conformance.verification;

import dev.meshroute.conformance.target.MeshUnderTest;
import dev.meshroute.conformance.target.Targets;
import io.cucumber.plugin.ConcurrentEventListener;
import io.cucumber.plugin.event.EventPublisher;
import io.cucumber.plugin.event.TestCaseFinished;
import io.cucumber.plugin.event.TestRunFinished;
import io.cucumber.plugin.event.TestRunStarted;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A Cucumber plugin that writes a {@link ResultsFile} at the end of a run, only when asked with
 * {@code -Dmeshroute.results.dir=verification} and only when the target could run (a run whose every scenario was
 * skipped for want of Docker or a cluster records nothing).
 */
public final class VerificationResults implements ConcurrentEventListener {

    private final Supplier<MeshUnderTest> target;
    private final Supplier<String> resultsDir;
    private final Supplier<String> selected;
    private final List<ResultsFile.Scenario> scenarios = new ArrayList<>();
    private Instant started = Instant.now();
    private Path written;

    /** As Cucumber creates it: the run's target, the directory from {@code -Dmeshroute.results.dir}. */
    public VerificationResults() {
        this(Targets::get, Targets::selected, () -> System.getProperty("meshroute.results.dir"));
    }

    VerificationResults(Supplier<MeshUnderTest> target, Supplier<String> selected, Supplier<String> resultsDir) {
        this.target = target;
        this.selected = selected;
        this.resultsDir = resultsDir;
    }

    @Override
    public void setEventPublisher(EventPublisher publisher) {
        publisher.registerHandlerFor(TestRunStarted.class, e -> started = e.getInstant());
        publisher.registerHandlerFor(TestCaseFinished.class, this::finished);
        publisher.registerHandlerFor(TestRunFinished.class, this::runFinished);
    }

    private synchronized void finished(TestCaseFinished e) {
        var tc = e.getTestCase();
        String uri = tc.getUri().toString();
        int features = uri.lastIndexOf("features/");
        scenarios.add(new ResultsFile.Scenario(features < 0 ? uri : uri.substring(features), tc.getName(),
                tc.getLocation().getLine(), List.copyOf(tc.getTags()), e.getResult().getStatus().name()));
    }

    private synchronized void runFinished(TestRunFinished e) {
        String dir = resultsDir.get();
        if (dir == null || dir.isBlank()) {
            return;
        }
        MeshUnderTest mesh = target.get();
        if (mesh.unavailable().isPresent()) {
            System.err.println("meshroute: no results file written: target " + mesh.name() + " could not run ("
                    + mesh.unavailable().get() + ")");
            return;
        }
        Map<String, String> versions = new LinkedHashMap<>();
        versions.put("target", mesh.version());
        if (mesh instanceof dev.meshroute.conformance.target.k8s.KubeTarget) {
            versions.put("echoImage", dev.meshroute.conformance.target.k8s.K8sImages.echoImage());
            versions.put("clientImage", dev.meshroute.conformance.target.k8s.K8sImages.CLIENT);
            if (selected.get().equals("istio")) {
                versions.put("k3s", dev.meshroute.conformance.target.k8s.K8sImages.K3S);
            }
        }
        ResultsFile file = new ResultsFile(selected.get(), mesh.name(), versions, started, e.getInstant(), scenarios);
        try {
            written = file.writeTo(Path.of(dir));
            System.err.println("meshroute: results of this run written to " + written);
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException("cannot write the results file into " + dir, ex);
        }
    }

    /** The file written at the end of the run, or null. */
    synchronized Path written() {
        return written;
    }
}
