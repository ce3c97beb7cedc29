package dev.meshroute.conformance.verification;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The record of one real run against a target: {@code verification/<target>-<version>.json}, listing every scenario
 * (feature file, name, line, tags, whether it is {@code @unverified}) with its outcome, and the versions the run used.
 * A run that passed an {@code @unverified} scenario on Istio is the evidence for removing that tag; the file is
 * checked in with the change that removes it.
 */
public record ResultsFile(String target, String targetName, Map<String, String> versions, Instant startedAt,
                          Instant finishedAt, List<Scenario> scenarios) {

    public static final String FORMAT = "meshroute-verification/1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One scenario's outcome: PASSED, FAILED, SKIPPED, ... (Cucumber's status names). */
    public record Scenario(String feature, String name, int line, List<String> tags, String status) {
        public String id() {
            return feature + ":" + name;
        }

        public boolean unverified() {
            return tags.contains("@unverified");
        }
    }

    public ResultsFile {
        versions = Map.copyOf(versions);
        scenarios = List.copyOf(scenarios);
    }

    /** {@code <target>-<version>.json}, the version made safe for a file name. */
    public String fileName() {
        return target + "-" + versions.getOrDefault("target", "unknown").replaceAll("[^A-Za-z0-9._-]", "_") + ".json";
    }

    /** Writes the file into {@code dir} (created if needed) and returns its path. */
    public Path writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(fileName());
        Files.writeString(file, JSON.writeValueAsString(toJson()));
        return file;
    }

    Map<String, Object> toJson() {
        Map<String, Long> summary = new TreeMap<>();
        scenarios.forEach(s -> summary.merge(s.status().toLowerCase(java.util.Locale.ROOT), 1L, Long::sum));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", FORMAT);
        json.put("target", target);
        json.put("targetName", targetName);
        json.put("versions", new TreeMap<>(versions));
        json.put("startedAt", startedAt.toString());
        json.put("finishedAt", finishedAt.toString());
        json.put("summary", summary);
        json.put("scenarios", scenarios.stream().map(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", s.id());
            m.put("feature", s.feature());
            m.put("line", s.line());
            m.put("name", s.name());
            m.put("tags", s.tags());
            m.put("unverified", s.unverified());
            m.put("status", s.status());
            return m;
        }).toList());
        return json;
    }
}
