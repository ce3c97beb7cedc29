package dev.meshroute.reference.config;

import dev.meshroute.reference.analysis.Analyzer;
import dev.meshroute.reference.model.Diagnostic;
import dev.meshroute.reference.model.MeshConfig;
import dev.meshroute.reference.model.Resource;
import dev.meshroute.reference.validation.Validator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The accepted configuration, as the Kubernetes API server holds it behind Istio's validating
 * webhook: a resource that fails validation is rejected, and if an earlier version of it was
 * accepted, that version stays in force. Everything else still applies.
 */
public final class ConfigStore {

    /** The accepted configuration after one apply, and everything found on the way (errors, IST messages). */
    public record Outcome(MeshConfig config, List<Diagnostic> diagnostics) {
        public Outcome {
            diagnostics = List.copyOf(diagnostics);
        }

        public boolean hasErrors() {
            return diagnostics.stream().anyMatch(Diagnostic::isError);
        }
    }

    private Map<String, Resource> accepted = new LinkedHashMap<>();

    /** Replaces the configuration with what {@code load} read; see the class comment for rejections. */
    public synchronized Outcome apply(ConfigLoader.LoadResult load) {
        List<Diagnostic> diagnostics = new ArrayList<>(load.diagnostics());
        Map<String, Resource> next = new LinkedHashMap<>();
        List<String> keepPrevious = new ArrayList<>(load.rejected());
        for (Resource r : load.resources()) {
            List<Diagnostic> problems = Validator.validate(r);
            diagnostics.addAll(problems);
            if (problems.stream().anyMatch(Diagnostic::isError)) {
                keepPrevious.add(r.key());
            } else if (next.containsKey(r.key())) {
                diagnostics.add(Diagnostic.error(r.key(), r.location(), "defined twice; the first definition, at "
                        + next.get(r.key()).location() + ", is used"));
            } else {
                next.put(r.key(), r);
            }
        }
        // A file that could not be read to the end keeps what it held before.
        for (Resource previous : accepted.values()) {
            if (load.brokenFiles().contains(previous.location().file())) {
                keepPrevious.add(previous.key());
            }
        }
        for (String key : keepPrevious) {
            Resource previous = accepted.get(key);
            if (previous != null && !next.containsKey(key)) {
                next.put(key, previous);
                diagnostics.add(Diagnostic.warning(key, previous.location(),
                        "rejected; the previously accepted version stays in force"));
            }
        }
        accepted = next;
        MeshConfig config = MeshConfig.of(next.values());
        diagnostics.addAll(Analyzer.analyze(config));
        return new Outcome(config, diagnostics);
    }
}
