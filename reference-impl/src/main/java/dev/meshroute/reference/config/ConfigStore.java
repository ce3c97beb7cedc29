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
    /**
     * The findings of the last apply's resources, by identity: a reload of a directory reuses the resources of
     * unchanged files ({@link DirectoryLoader}), and validating one depends on nothing else, so they are not
     * validated again.
     */
    private Map<Resource, List<Diagnostic>> validated = new java.util.IdentityHashMap<>();
    /** For the same reason, the analysis of an unchanged VirtualService is reused while the rest is unchanged. */
    private final Analyzer.Memo analysis = new Analyzer.Memo();

    /** Replaces the configuration with what {@code load} read; see the class comment for rejections. */
    public synchronized Outcome apply(ConfigLoader.LoadResult load) {
        List<Diagnostic> diagnostics = new ArrayList<>(load.diagnostics());
        Map<String, Resource> next = new LinkedHashMap<>();
        List<String> keepPrevious = new ArrayList<>(load.rejected());
        Map<Resource, List<Diagnostic>> validatedNow = new java.util.IdentityHashMap<>();
        for (Resource r : load.resources()) {
            List<Diagnostic> earlier = validated.get(r);
            List<Diagnostic> problems = earlier != null ? earlier : Validator.validate(r);
            validatedNow.put(r, problems);
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
        validated = validatedNow;
        MeshConfig config = MeshConfig.of(next.values());
        diagnostics.addAll(Analyzer.analyze(config, analysis));
        return new Outcome(config, diagnostics);
    }
}
