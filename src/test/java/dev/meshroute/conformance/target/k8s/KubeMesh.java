package dev.meshroute.conformance.target.k8s;

import dev.meshroute.conformance.target.ConfigSource;
import dev.meshroute.conformance.target.ConvergenceGate;
import dev.meshroute.conformance.target.Exchange;
import dev.meshroute.conformance.target.Finding;
import dev.meshroute.conformance.target.MeshUnderTest;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A scenario's life on a Kubernetes cluster with Istio, shared by the istio (k3s) and cluster targets: fresh
 * namespaces per apply, objects created through the API server (a rejection, such as Istio's validating webhook
 * denying a resource, is a finding), readiness of the workloads, requests sent with curl from the client pod
 * through its sidecar, the flags of the proxy's own replies read from that sidecar's access log, and cleanup of
 * everything the previous scenario created (also at close, and from the After hook when a scenario fails).
 */
public final class KubeMesh implements AutoCloseable {

    private static final String SIDECAR = "istio-proxy";

    private final KubernetesClient client;
    private final String runId;
    private final Duration readyTimeout;
    private final Duration requestTimeout;
    private int sequence;
    private ScenarioNamespaces current;
    private final List<Manifests.Manifest> createdInSharedNamespaces = new ArrayList<>();
    private final Map<String, Map.Entry<String, Map<String, String>>> pods = new HashMap<>();

    /**
     * @param readyTimeout   how long workloads may take to be Ready ({@code -Dmeshroute.k8s.ready.timeout})
     * @param requestTimeout curl's limit for one request
     */
    public KubeMesh(KubernetesClient client, String runId, Duration readyTimeout, Duration requestTimeout) {
        this.client = client;
        this.runId = runId;
        this.readyTimeout = readyTimeout;
        this.requestTimeout = requestTimeout;
    }

    /** A fresh run id: lower-case, short, valid in a namespace name. */
    public static String newRunId() {
        return UUID.randomUUID().toString().substring(0, 6);
    }

    /** How long workloads may take to become Ready, from {@code -Dmeshroute.k8s.ready.timeout} (default PT5M). */
    public static Duration readyTimeoutFromSystemProperties() {
        return Duration.parse(System.getProperty("meshroute.k8s.ready.timeout", "PT5M"));
    }

    /**
     * Real clusters converge in seconds, not milliseconds: unless {@code -Dmeshroute.convergence.timeout} was
     * given, the convergence gate waits up to 2 minutes on these targets.
     */
    public static void sizeConvergenceForRealClusters() {
        if (System.getProperty("meshroute.convergence.timeout") == null) {
            System.setProperty("meshroute.convergence.timeout", "PT2M");
        }
    }

    /** The namespaces of the scenario applied last (scenario name to cluster name). */
    public Map<String, String> namespaces() {
        return current == null ? Map.of() : current.mapped();
    }

    /**
     * Deletes what the previous scenario created, then creates {@code sources} in fresh namespaces. Rejected
     * objects are findings; other API errors are thrown.
     */
    public MeshUnderTest.Applied create(List<ConfigSource> sources) {
        long start = System.nanoTime();
        cleanup();
        current = new ScenarioNamespaces("mr-" + runId + "-" + (++sequence));
        Manifests.Plan plan = Manifests.plan(sources, current, runId, K8sImages.echoImage());
        List<Finding> findings = new ArrayList<>(plan.findings());
        for (Map<String, Object> ns : plan.namespaces()) {
            client.namespaces().resource(client.getKubernetesSerialization().convertValue(ns, Namespace.class)).create();
        }
        for (Manifests.Manifest m : plan.objects()) {
            try {
                resources(m.apiVersion(), m.kind()).inNamespace(m.namespace())
                        .resource(client.getKubernetesSerialization().convertValue(m.object(), GenericKubernetesResource.class))
                        .create();
                if (ScenarioNamespaces.ROOT.equals(m.namespace())) {
                    createdInSharedNamespaces.add(m);
                }
            } catch (KubernetesClientException e) {
                if (!isRejection(e)) {
                    throw new IllegalStateException("creating " + m.describe() + " (" + m.file() + ":" + m.line()
                            + ") failed: " + e.getMessage(), e);
                }
                // named as the scenario wrote it (its namespace, not the cluster's fresh one)
                String resource = m.kind() + " " + current.original(m.namespace()).orElse(m.namespace()) + "/" + m.name();
                findings.add(new Finding("error", null, resource, m.file(), m.line(), rejectionMessage(e)));
            }
        }
        return new MeshUnderTest.Applied(findings, Duration.ofNanos(System.nanoTime() - start));
    }

    /** The API server refused the object (validation or an admission webhook), as opposed to failing. */
    static boolean isRejection(KubernetesClientException e) {
        return e.getCode() == 400 || e.getCode() == 422
                || (e.getCode() == 403 && String.valueOf(e.getMessage()).contains("admission webhook"));
    }

    static String rejectionMessage(KubernetesClientException e) {
        String message = e.getStatus() != null && e.getStatus().getMessage() != null
                ? e.getStatus().getMessage() : String.valueOf(e.getMessage());
        return message.lines().findFirst().orElse(message).strip();
    }

    /** The generic client for objects of {@code apiVersion}/{@code kind} (Istio kinds need no compiled model). */
    public io.fabric8.kubernetes.client.dsl.MixedOperation<GenericKubernetesResource,
            io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
            io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>> resources(String apiVersion, String kind) {
        int slash = apiVersion.indexOf('/');
        return client.genericKubernetesResources(new ResourceDefinitionContext.Builder()
                .withGroup(slash < 0 ? "" : apiVersion.substring(0, slash))
                .withVersion(slash < 0 ? apiVersion : apiVersion.substring(slash + 1))
                .withKind(kind)
                .withPlural(plural(kind))
                .withNamespaced(true)
                .build());
    }

    static String plural(String kind) {
        String lower = kind.toLowerCase(Locale.ROOT);
        if (lower.endsWith("y")) {
            return lower.substring(0, lower.length() - 1) + "ies";
        }
        return lower.endsWith("s") ? lower + "es" : lower + "s";
    }

    /**
     * Waits until every Deployment has its replicas ready and every Pod (the client's too) is Ready, then learns
     * the pods' names and labels. A pod whose image cannot be pulled fails at once, naming the image.
     */
    public void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + readyTimeout.toNanos();
        String waitingFor;
        do {
            waitingFor = notReady();
            if (waitingFor == null) {
                learnPods();
                return;
            }
            Thread.sleep(1000);
        } while (System.nanoTime() < deadline);
        throw new IllegalStateException("workloads not ready within " + readyTimeout + " (-Dmeshroute.k8s.ready.timeout): "
                + waitingFor);
    }

    /** What is not ready yet, or null when everything is. */
    String notReady() {
        for (String ns : current.mapped().values()) {
            for (Deployment d : client.apps().deployments().inNamespace(ns).list().getItems()) {
                int want = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
                Integer ready = d.getStatus() == null ? null : d.getStatus().getReadyReplicas();
                if (ready == null || ready < want) {
                    return "Deployment " + ns + "/" + d.getMetadata().getName() + " has " + (ready == null ? 0 : ready)
                            + " of " + want + " replicas ready";
                }
            }
            List<Pod> pods = client.pods().inNamespace(ns).list().getItems();
            for (Pod p : pods) {
                String pullError = imagePullError(p);
                if (pullError != null) {
                    throw new IllegalStateException("Pod " + ns + "/" + p.getMetadata().getName() + ": " + pullError);
                }
            }
            for (Pod p : pods) {
                boolean ready = p.getStatus() != null && p.getStatus().getConditions() != null
                        && p.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
                if (!ready) {
                    return "Pod " + ns + "/" + p.getMetadata().getName() + " is not Ready";
                }
            }
        }
        return null;
    }

    private static String imagePullError(Pod p) {
        if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
            return null;
        }
        for (var cs : p.getStatus().getContainerStatuses()) {
            var waiting = cs.getState() == null ? null : cs.getState().getWaiting();
            if (waiting != null && ("ErrImagePull".equals(waiting.getReason())
                    || "ImagePullBackOff".equals(waiting.getReason()) || "InvalidImageName".equals(waiting.getReason()))) {
                return "cannot pull image " + cs.getImage() + " (" + waiting.getReason() + "): " + waiting.getMessage();
            }
        }
        return null;
    }

    /** Remembers every pod of the scenario: its scenario namespace and labels, for the echo adapter. */
    void learnPods() {
        pods.clear();
        for (Map.Entry<String, String> ns : current.mapped().entrySet()) {
            for (Pod p : client.pods().inNamespace(ns.getValue()).list().getItems()) {
                Map<String, String> labels = new LinkedHashMap<>(
                        p.getMetadata().getLabels() == null ? Map.of() : p.getMetadata().getLabels());
                labels.remove(Manifests.RUN_LABEL);
                labels.remove("pod-template-hash");
                labels.keySet().removeIf(k -> k.startsWith("security.istio.io/") || k.startsWith("service.istio.io/"));
                pods.put(p.getMetadata().getName(), Map.entry(ns.getKey(), labels));
            }
        }
    }

    /** A pod of the scenario (known after {@link #awaitReady}): its scenario namespace and labels. */
    Optional<Map.Entry<String, Map<String, String>>> pod(String name) {
        return Optional.ofNullable(pods.get(name));
    }

    /** The host the client writes, with a scenario namespace in a cluster-local name rewritten. */
    String clusterHost(String host) {
        if (current == null) {
            return host;
        }
        return current.rewrite("host", host, current.mapped().keySet());
    }

    /** Sends {@code request} {@code count} times, one after another, from the client pod through its sidecar. */
    public List<Exchange.Response> send(Exchange.Request request, int count) {
        if (current == null) {
            throw new IllegalStateException("nothing applied yet");
        }
        String clientNs = current.map("default");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add("meshroute-" + UUID.randomUUID());
        }
        String script = Curl.script(request.method(), request.path(), clusterHost(request.host()), request.headers(),
                ConvergenceGate.PROBE_HOST, ids, (int) Math.max(1, requestTimeout.toSeconds()));
        String out = exec(clientNs, Manifests.CLIENT_POD, Manifests.CLIENT_CONTAINER,
                requestTimeout.multipliedBy(count).plusSeconds(30), "sh", "-c", script);
        List<Curl.Answer> answers = Curl.parse(out);
        if (answers.size() != count) {
            throw new IllegalStateException("the client pod answered " + answers.size() + " of " + count
                    + " requests: " + out);
        }
        List<Exchange.Response> responses = new ArrayList<>();
        String log = null;
        for (int i = 0; i < count; i++) {
            Curl.Answer a = answers.get(i);
            if (a.exitCode() != 0 || a.status() == 0) {
                throw new IllegalStateException("curl in the client pod failed (exit " + a.exitCode() + ") for "
                        + request + ": " + a.body().strip());
            }
            Optional<String> echo = IstioEcho.toSuiteJson(a.body(), this::pod);
            if (echo.isPresent()) {
                Map<String, List<String>> headers = new LinkedHashMap<>(a.headers());
                headers.put("content-type", List.of("application/json"));
                @SuppressWarnings("unchecked")
                Map<String, Object> json = client.getKubernetesSerialization().unmarshal(echo.get(), Map.class);
                @SuppressWarnings("unchecked")
                Map<String, String> labels = (Map<String, String>) json.get("labels");
                responses.add(new Exchange.Response(a.status(), headers, echo.get(), (String) json.get("pod"),
                        labels, null));
            } else {
                if (log == null) {
                    log = awaitLogLine(clientNs, ids.get(i));
                }
                String flags = AccessLog.find(log, ids.get(i)).map(AccessLog.Entry::responseFlags).orElse(null);
                responses.add(new Exchange.Response(a.status(), a.headers(), a.body(), null, Map.of(), flags));
            }
        }
        return responses;
    }

    /** The client sidecar's log once it holds the line of {@code requestId} (Envoy flushes its log every second). */
    private String awaitLogLine(String ns, String requestId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String log;
        do {
            log = client.pods().inNamespace(ns).withName(Manifests.CLIENT_POD).inContainer(SIDECAR).getLog();
            if (AccessLog.find(log, requestId).isPresent()) {
                return log;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return log;
            }
        } while (System.nanoTime() < deadline);
        return log;
    }

    private String exec(String ns, String pod, String container, Duration timeout, String... command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (ExecWatch watch = client.pods().inNamespace(ns).withName(pod).inContainer(container)
                .writingOutput(out).writingError(err).exec(command)) {
            Integer code = watch.exitCode().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (code == null || code != 0) {
                throw new IllegalStateException("exec in " + ns + "/" + pod + " exited " + code + ": "
                        + err.toString(StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("exec in " + ns + "/" + pod + " failed: " + e.getMessage(), e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Deletes the previous scenario's namespaces and what it created in the shared root namespace. */
    public void cleanup() {
        if (current == null) {
            return;
        }
        for (Manifests.Manifest m : createdInSharedNamespaces) {
            try {
                resources(m.apiVersion(), m.kind()).inNamespace(m.namespace()).withName(m.name()).delete();
            } catch (KubernetesClientException e) {
                // already gone, or the cluster went away: nothing left to clean
            }
        }
        createdInSharedNamespaces.clear();
        for (String ns : current.mapped().values()) {
            try {
                client.namespaces().withName(ns).delete();
            } catch (KubernetesClientException e) {
                // as above
            }
        }
        current = null;
        pods.clear();
    }

    @Override
    public void close() {
        cleanup();
    }
}
