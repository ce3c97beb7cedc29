package dev.meshroute.conformance.report;

import dev.meshroute.conformance.target.ConvergenceGate;
import dev.meshroute.conformance.target.Exchange;
import dev.meshroute.conformance.target.MeshUnderTest;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link MeshUnderTest} that passes every call to the real target and records what a scenario sends and gets
 * back into its {@link ScenarioEvidence}: a dynamic proxy, so methods added to the interface later pass through
 * unchanged. Not an instance of the target's class: code that needs the real target asks {@code Targets.get()}.
 */
public final class RecordingMesh {

    private RecordingMesh() {
    }

    public static MeshUnderTest wrap(MeshUnderTest target, ScenarioEvidence evidence) {
        return (MeshUnderTest) Proxy.newProxyInstance(MeshUnderTest.class.getClassLoader(),
                new Class<?>[]{MeshUnderTest.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    record(target, evidence, method, args, result);
                    return result;
                });
    }

    @SuppressWarnings("unchecked")
    private static void record(MeshUnderTest target, ScenarioEvidence evidence, Method method, Object[] args,
                               Object result) {
        if (args == null || args.length == 0 || !(args[0] instanceof Exchange.Request request)) {
            return;
        }
        if (ConvergenceGate.PROBE_HOST.equals(request.host())) {
            evidence.probeRequest();
            return;
        }
        switch (method.getName()) {
            case "send" -> evidence.exchange(new ScenarioEvidence.ExchangeRecord(null, request, 1,
                    (Exchange.Response) result, Map.of(((Exchange.Response) result).outcome(), 1L),
                    explain(target, request)));
            case "sendToIngressGateway" -> evidence.exchange(new ScenarioEvidence.ExchangeRecord("ingress gateway",
                    request, 1, (Exchange.Response) result, Map.of(((Exchange.Response) result).outcome(), 1L), null));
            case "sendMany", "sendOneAtATime" -> {
                List<Exchange.Response> responses = (List<Exchange.Response>) result;
                Map<String, Long> outcomes = new LinkedHashMap<>();
                responses.forEach(r -> outcomes.merge(r.status() == 0 ? "transport failure" : r.outcome(), 1L,
                        Long::sum));
                evidence.exchange(new ScenarioEvidence.ExchangeRecord(null, request, responses.size(),
                        responses.isEmpty() ? null : responses.get(0), outcomes, explain(target, request)));
            }
            default -> {
            }
        }
    }

    private static String explain(MeshUnderTest target, Exchange.Request request) {
        try {
            return target.explainRoute(request).orElse(null);
        } catch (RuntimeException e) {
            return "cannot explain: " + e;
        }
    }
}
