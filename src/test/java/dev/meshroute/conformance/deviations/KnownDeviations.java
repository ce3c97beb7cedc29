package dev.meshroute.conformance.deviations;

import dev.meshroute.conformance.target.grpc.GrpcJavaDeviations;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The known-deviation register of every target, by the name {@code -Dmeshroute.target} gives it. A target that
 * has none (the reference, Envoy) differs from nothing it declares.
 */
public final class KnownDeviations {

    /**
     * Set by {@link KnownDeviationsIT} while it re-runs the scenarios that show declared deviations: they then run
     * (and must fail), and every other scenario is skipped.
     */
    public static final String RERUN_PROPERTY = "meshroute.deviations.rerun";

    private KnownDeviations() {
    }

    public static List<KnownDeviation> forTarget(String target) {
        return switch (target) {
            case "grpc-java" -> GrpcJavaDeviations.ALL;
            case "grpc-js" -> dev.meshroute.conformance.target.grpc.GrpcJsDeviations.ALL;
            default -> List.of();
        };
    }

    /** The declared deviation of {@code target} a running scenario shows, if any. */
    public static Optional<KnownDeviation> shownBy(String target, URI uri, String name, int line) {
        List<KnownDeviation> declared = forTarget(target);
        if (declared.isEmpty()) {
            return Optional.empty();
        }
        String text = lineOf(uri, line);
        String u = uri.toString();
        return declared.stream()
                .filter(d -> d.shownBy().stream().anyMatch(ref -> ref.matches(u, name, text)))
                .findFirst();
    }

    static String lineOf(URI uri, int line) {
        try {
            List<String> lines = Files.readAllLines(Path.of(uri));
            return line >= 1 && line <= lines.size() ? lines.get(line - 1) : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    public static boolean rerunning() {
        return Boolean.getBoolean(RERUN_PROPERTY);
    }

    private static final java.util.Map<String, String> RERUN = new java.util.concurrent.ConcurrentHashMap<>();

    /** During a re-run: the scenario at {@code uri}, {@code line} shows deviation {@code id}. */
    public static void recordRerun(URI uri, int line, String id) {
        RERUN.put(key(Path.of(uri), line), id);
    }

    /** The deviation the re-run scenario at {@code file}, {@code line} showed, if it was one. */
    static Optional<String> rerunDeviation(Path file, int line) {
        return Optional.ofNullable(RERUN.get(key(file, line)));
    }

    private static String key(Path file, int line) {
        return file.toAbsolutePath().normalize() + ":" + line;
    }
}
