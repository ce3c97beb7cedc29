package dev.meshroute.conformance.target;

import java.util.List;

/**
 * Chooses the implementation under test from {@code -Dmeshroute.target=NAME} ({@code reference} by
 * default) and keeps one instance for the whole run: starting a mesh per scenario would dominate the
 * suite's time, and scenarios isolate themselves by replacing the whole configuration.
 */
public final class Targets {

    public static final List<String> KNOWN = List.of("reference", "envoy", "grpc-java", "grpc-js", "istio", "cluster", "adapter");

    private static MeshUnderTest current;

    private Targets() {
    }

    public static String selected() {
        return System.getProperty("meshroute.target", "reference");
    }

    /** Makes {@code target} the one every scenario uses from now on (the mutant runner swaps targets). */
    public static synchronized void use(MeshUnderTest target) {
        current = target;
    }

    /**
     * The capabilities target {@code name} declares when it can run, known without starting it (the dry-run plan
     * reads them; a target that cannot run here skips every scenario anyway).
     */
    public static java.util.Set<String> declaredCapabilities(String name) {
        return switch (name) {
            case "reference" -> ReferenceTarget.CAPABILITIES;
            case "envoy" -> dev.meshroute.conformance.target.envoy.EnvoyTarget.DECLARED;
            case "grpc-java" -> dev.meshroute.conformance.target.grpc.ProxylessGrpcTarget.declared(
                    new dev.meshroute.conformance.target.grpc.GrpcJavaClient());
            case "grpc-js" -> dev.meshroute.conformance.target.grpc.ProxylessGrpcTarget.declared(
                    new dev.meshroute.conformance.target.grpc.GrpcJsClient());
            case "istio", "cluster" -> dev.meshroute.conformance.target.k8s.KubeTarget.CAPABILITIES;
            default -> throw new IllegalArgumentException("unknown target '" + name + "' (-Dmeshroute.target); known"
                    + " targets: " + String.join(", ", KNOWN));
        };
    }

    public static synchronized MeshUnderTest get() {
        if (current == null) {
            current = switch (selected()) {
                case "reference" -> new ReferenceTarget();
                case "grpc-java" -> new dev.meshroute.conformance.target.grpc.ProxylessGrpcTarget(
                        new dev.meshroute.conformance.target.grpc.GrpcJavaClient());
                case "grpc-js" -> new dev.meshroute.conformance.target.grpc.ProxylessGrpcTarget(
                        new dev.meshroute.conformance.target.grpc.GrpcJsClient());
                case "envoy" -> new dev.meshroute.conformance.target.envoy.EnvoyTarget();
                case "istio" -> new dev.meshroute.conformance.target.k8s.IstioTarget();
                case "cluster" -> new dev.meshroute.conformance.target.k8s.ClusterTarget();
                case "adapter" -> dev.meshroute.conformance.target.adapter.AdapterTarget.fromSystemProperties();
                default -> throw new IllegalArgumentException("unknown target '" + selected()
                        + "' (-Dmeshroute.target); known targets: " + String.join(", ", KNOWN));
            };
            Runtime.getRuntime().addShutdownHook(new Thread(current::close));
        }
        return current;
    }
}
