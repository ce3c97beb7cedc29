package dev.meshroute.reference.testsupport;

import dev.meshroute.reference.config.ConfigLoader;
import dev.meshroute.reference.model.Diagnostic;
import dev.meshroute.reference.model.MeshConfig;
import dev.meshroute.reference.registry.Pod;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The routing guide's configuration as YAML snippets, and small helpers shared by the unit tests. Nothing
 * here is an expected result: tests derive those from SEMANTICS.md.
 */
public final class Fixtures {

    public static final String FQDN = "my-app.default.svc.cluster.local";

    /** Service my-app (namespace default, port 80) selecting app=my-app. */
    public static final String SERVICE = """
            apiVersion: v1
            kind: Service
            metadata:
              name: my-app
              namespace: default
            spec:
              selector:
                app: my-app
              ports:
              - name: http
                port: 80
            """;

    /** DestinationRule with subsets v1 and v2 (pod label version). */
    public static final String DR_V1_V2 = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata:
              name: my-app-dr
            spec:
              host: my-app.default.svc.cluster.local
              subsets:
              - name: v1
                labels:
                  version: v1
              - name: v2
                labels:
                  version: v2
            """;

    /** Pods for subsets v1 and v2: a Pod labelled app=my-app,version=v1 and one with version=v2. */
    public static final String PODS_V1_V2 = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: my-app-v1
              labels:
                app: my-app
                version: v1
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: my-app-v2
              labels:
                app: my-app
                version: v2
            """;

    private Fixtures() {
    }

    /** Joins YAML documents with {@code ---}. */
    public static String docs(String... documents) {
        StringBuilder sb = new StringBuilder();
        for (String d : documents) {
            if (!sb.isEmpty()) {
                sb.append("---\n");
            }
            sb.append(d.endsWith("\n") ? d : d + "\n");
        }
        return sb.toString();
    }

    /** A VirtualService named {@code name} in namespace default for host my-app, with the given {@code http:} list. */
    public static String vs(String name, String httpList) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: %s
                spec:
                  hosts:
                  - my-app
                  http:
                %s""".formatted(name, httpList.stripTrailing().indent(2));
    }

    /** Loads YAML documents that must parse without any diagnostic, and sorts them into a MeshConfig (unvalidated). */
    public static MeshConfig config(String... documents) {
        ConfigLoader.LoadResult load = ConfigLoader.loadText("test.yaml", docs(documents));
        assertEquals(List.of(), load.diagnostics(), "the test's own YAML must parse cleanly");
        return MeshConfig.of(load.resources());
    }

    /** A pod of my-app in namespace default with label version=v, on an unresolved loopback address. */
    public static Pod pod(String name, String version, int port) {
        return pod(name, "default", Map.of("app", "my-app", "version", version), port);
    }

    public static Pod pod(String name, String namespace, Map<String, String> labels, int port) {
        return new Pod(name, namespace, labels, InetSocketAddress.createUnresolved("127.0.0.1", port));
    }

    /** The 1-based line of the only line of {@code text} that contains {@code needle}. */
    public static int lineOf(String text, String needle) {
        String[] lines = text.split("\n", -1);
        int found = 0;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(needle)) {
                if (found != 0) {
                    fail("'" + needle + "' is on lines " + found + " and " + (i + 1) + "; make it unique");
                }
                found = i + 1;
            }
        }
        assertTrue(found > 0, "'" + needle + "' is not in the text");
        return found;
    }

    public static List<Diagnostic> errors(List<Diagnostic> diagnostics) {
        return diagnostics.stream().filter(Diagnostic::isError).toList();
    }

    /** The routing guide's fixture directory, /work/main/fixtures/guide, found from the module's base directory. */
    public static Path guideDir() {
        Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        Path dir = base.resolve("../fixtures/guide").normalize();
        assertTrue(Files.isDirectory(dir), "fixtures not found at " + dir);
        return dir;
    }
}
