package dev.meshroute.conformance.target.k8s;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Whether a cluster answers and has Istio: its CRDs and istiod, whose image tag is the Istio version. */
final class IstioPresence {

    static final String VIRTUAL_SERVICE_CRD = "virtualservices.networking.istio.io";

    private IstioPresence() {
    }

    /** Null when the cluster answers and has Istio; else the reason the target cannot run. */
    static String check(KubernetesClient client) {
        try {
            client.getKubernetesVersion();
        } catch (Exception e) {
            return "no kubeconfig / cluster not reachable: " + client.getMasterUrl() + ": " + firstLine(e);
        }
        try {
            if (client.apiextensions().v1().customResourceDefinitions().withName(VIRTUAL_SERVICE_CRD).get() == null) {
                return "Istio is not installed in the cluster at " + client.getMasterUrl() + " (no CRD "
                        + VIRTUAL_SERVICE_CRD + ")";
            }
        } catch (Exception e) {
            return "no kubeconfig / cluster not reachable: cannot read CRDs: " + firstLine(e);
        }
        return null;
    }

    /** istiod's image tag in istio-system, or "unknown". */
    static String istioVersion(KubernetesClient client) {
        try {
            Deployment istiod = client.apps().deployments().inNamespace("istio-system").withName("istiod").get();
            if (istiod != null) {
                String image = istiod.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
                return image.substring(image.lastIndexOf(':') + 1);
            }
        } catch (Exception e) {
            // unknown, said so
        }
        return "unknown";
    }

    private static String firstLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }
}
