package dev.meshroute.conformance.target.k8s;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.meshroute.conformance.target.ConfigSource;
import dev.meshroute.conformance.target.Finding;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a scenario's sources become on a cluster with Istio: its namespaces (fresh, with sidecar injection), its
 * Istio resources and Services as written (namespaces rewritten by {@link ScenarioNamespaces}), its Pods and
 * Deployments running Istio's echo server on every port a Service sends them to, and the client pod that sends
 * the scenario's requests through its sidecar.
 */
public final class Manifests {

    public static final String CLIENT_POD = "meshroute-client";
    public static final String CLIENT_CONTAINER = "curl";
    public static final String ECHO_CONTAINER = "app";
    /** Labels every namespace and object the suite creates, so a run's leftovers can be found and deleted. */
    public static final String RUN_LABEL = "meshroute.dev/run";
    private static final int DEFAULT_ECHO_PORT = 8080;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** One object to create, with the file and line its document starts at (for findings). */
    public record Manifest(String file, int line, Map<String, Object> object) {
        public String apiVersion() {
            return (String) object.get("apiVersion");
        }

        public String kind() {
            return (String) object.get("kind");
        }

        @SuppressWarnings("unchecked")
        public Map<String, Object> metadata() {
            return (Map<String, Object>) object.computeIfAbsent("metadata", k -> new LinkedHashMap<>());
        }

        public String name() {
            return (String) metadata().get("name");
        }

        public String namespace() {
            return (String) metadata().get("namespace");
        }

        /** {@code Kind namespace/name}, as findings name a resource. */
        public String describe() {
            return kind() + " " + namespace() + "/" + name();
        }
    }

    /** The namespaces to create (cluster names, each with sidecar injection), the objects in order, and shape errors. */
    public record Plan(List<Map<String, Object>> namespaces, List<Manifest> objects, List<Finding> findings) {
    }

    private Manifests() {
    }

    public static Plan plan(List<ConfigSource> sources, ScenarioNamespaces namespaces, String runId, String echoImage) {
        List<Manifest> docs = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        for (ConfigSource source : sources) {
            readDocuments(source, docs, findings);
        }
        Set<String> known = new TreeSet<>();
        known.add("default");
        for (Manifest m : docs) {
            if (m.namespace() != null) {
                known.add(m.namespace());
            }
            if ("Namespace".equals(m.kind()) && m.name() != null) {
                known.add(m.name());
            }
        }
        docs.removeIf(m -> {
            if ("Namespace".equals(m.kind())) {
                namespaces.map(m.name()); // created fresh, with injection, like every scenario namespace
                return true;
            }
            return false;
        });
        for (Manifest m : docs) {
            m.metadata().put("namespace", namespaces.map(m.namespace()));
            labels(m.metadata()).put(RUN_LABEL, runId);
            if (m.apiVersion() != null && m.apiVersion().contains("istio.io/")) {
                namespaces.rewriteTree(m.object().get("spec"), null, known);
            }
        }
        String clientNamespace = namespaces.map("default");
        List<Manifest> services = docs.stream().filter(m -> "Service".equals(m.kind())).toList();
        List<Manifest> out = new ArrayList<>();
        for (Manifest m : docs) {
            switch (String.valueOf(m.kind())) {
                case "Pod" -> echoPodSpec(spec(m.object()), labels(m.metadata()), m.namespace(), services, echoImage);
                case "Deployment" -> {
                    Map<String, Object> template = child(spec(m.object()), "template");
                    Map<String, Object> templateMetadata = child(template, "metadata");
                    labels(templateMetadata).put(RUN_LABEL, runId);
                    echoPodSpec(child(template, "spec"), labels(templateMetadata), m.namespace(), services, echoImage);
                }
                default -> {
                }
            }
            out.add(m);
        }
        out.add(new Manifest("(meshroute client)", 0, clientPod(clientNamespace, runId)));
        List<Map<String, Object>> nsObjects = new ArrayList<>();
        for (String ns : new LinkedHashSet<>(namespaces.mapped().values())) {
            nsObjects.add(namespace(ns, runId));
        }
        return new Plan(nsObjects, out, findings);
    }

    /** A namespace whose pods get Istio's sidecar. */
    public static Map<String, Object> namespace(String name, String runId) {
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("istio-injection", "enabled");
        labels.put(RUN_LABEL, runId);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        metadata.put("labels", labels);
        Map<String, Object> ns = new LinkedHashMap<>();
        ns.put("apiVersion", "v1");
        ns.put("kind", "Namespace");
        ns.put("metadata", metadata);
        return ns;
    }

    static Map<String, Object> clientPod(String namespace, String runId) {
        Map<String, Object> container = new LinkedHashMap<>();
        container.put("name", CLIENT_CONTAINER);
        container.put("image", K8sImages.CLIENT);
        container.put("command", List.of("sleep", "infinity"));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("containers", List.of(container));
        spec.put("terminationGracePeriodSeconds", 0);
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("app", CLIENT_POD);
        labels.put(RUN_LABEL, runId);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", CLIENT_POD);
        metadata.put("namespace", namespace);
        metadata.put("labels", labels);
        Map<String, Object> pod = new LinkedHashMap<>();
        pod.put("apiVersion", "v1");
        pod.put("kind", "Pod");
        pod.put("metadata", metadata);
        pod.put("spec", spec);
        return pod;
    }

    /**
     * Gives a workload Istio's echo server: it listens on every target port of the Services in its namespace whose
     * selector its labels satisfy (8080 when none), and reports its {@code version} label as ServiceVersion.
     */
    static void echoPodSpec(Map<String, Object> podSpec, Map<String, Object> labels, String namespace,
                            List<Manifest> services, String echoImage) {
        Set<Integer> ports = new TreeSet<>();
        for (Manifest service : services) {
            Map<String, Object> spec = spec(service.object());
            Object selector = spec.get("selector");
            if (!namespace.equals(service.namespace()) || !(selector instanceof Map<?, ?> sel) || sel.isEmpty()
                    || !sel.entrySet().stream().allMatch(e -> String.valueOf(e.getValue())
                    .equals(String.valueOf(labels.get(String.valueOf(e.getKey())))))) {
                continue;
            }
            if (spec.get("ports") instanceof List<?> list) {
                for (Object p : list) {
                    if (p instanceof Map<?, ?> port) {
                        Object target = port.get("targetPort") != null ? port.get("targetPort") : port.get("port");
                        if (target instanceof Number n) {
                            ports.add(n.intValue());
                        }
                    }
                }
            }
        }
        if (ports.isEmpty()) {
            ports.add(DEFAULT_ECHO_PORT);
        }
        List<String> args = new ArrayList<>();
        List<Map<String, Object>> containerPorts = new ArrayList<>();
        for (int port : ports) {
            args.add("--port=" + port);
            containerPorts.add(new LinkedHashMap<>(Map.of("containerPort", port, "protocol", "TCP")));
        }
        args.add("--version=" + String.valueOf(labels.getOrDefault("version", "")));
        Map<String, Object> container = new LinkedHashMap<>();
        container.put("name", ECHO_CONTAINER);
        container.put("image", echoImage);
        container.put("args", args);
        container.put("ports", containerPorts);
        podSpec.put("containers", List.of(container));
        podSpec.putIfAbsent("terminationGracePeriodSeconds", 0);
    }

    @SuppressWarnings("unchecked")
    private static void readDocuments(ConfigSource source, List<Manifest> docs, List<Finding> findings) {
        String[] lines = source.yaml().split("\n", -1);
        StringBuilder doc = new StringBuilder();
        int start = 1;
        for (int i = 0; i <= lines.length; i++) {
            boolean end = i == lines.length || lines[i].matches("^---\\s*(#.*)?$");
            if (!end) {
                doc.append(lines[i]).append('\n');
                continue;
            }
            if (!doc.toString().isBlank()) {
                try {
                    Object parsed = YAML.readValue(doc.toString(), Object.class);
                    if (parsed instanceof Map<?, ?> map) {
                        docs.add(new Manifest(source.name(), start, new LinkedHashMap<>((Map<String, Object>) map)));
                    } else if (parsed != null) {
                        findings.add(new Finding("error", null, null, source.name(), start,
                                "a Kubernetes object must be a YAML mapping"));
                    }
                } catch (IOException e) {
                    findings.add(new Finding("error", null, null, source.name(), start,
                            "not valid YAML: " + e.getMessage().lines().findFirst().orElse("")));
                }
            }
            doc.setLength(0);
            start = i + 2;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> child(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        if (!(value instanceof Map<?, ?>)) {
            value = new LinkedHashMap<String, Object>();
            parent.put(key, value);
        } else if (!(value instanceof LinkedHashMap<?, ?>)) {
            value = new LinkedHashMap<>((Map<String, Object>) value);
            parent.put(key, value);
        }
        return (Map<String, Object>) value;
    }

    private static Map<String, Object> spec(Map<String, Object> object) {
        return child(object, "spec");
    }

    private static Map<String, Object> labels(Map<String, Object> metadata) {
        return child(metadata, "labels");
    }
}
