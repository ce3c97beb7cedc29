package dev.meshroute.conformance.target.k8s;

/**
 * The pinned versions and images the istio and cluster targets use; change them here only. None of them has been
 * pulled by the project yet (no machine it ran on had Docker or a cluster): the README says so.
 */
public final class K8sImages {

    /** The Istio release the istio target installs (istioctl from {@link #ISTIOCTL}, profile minimal). */
    public static final String ISTIO_VERSION = "1.24.2";
    /** The k3s node the istio target starts through Testcontainers' k3s module. */
    public static final String K3S = "rancher/k3s:v1.31.4-k3s1";
    /** istioctl, run in a container next to k3s to install Istio into it. */
    public static final String ISTIOCTL = "docker.io/istio/istioctl:" + ISTIO_VERSION;
    /**
     * Istio's own echo server (pkg/test/echo, the image Istio's integration tests deploy), at the installed release.
     * Its text answers are turned into the suite's JSON by {@link IstioEcho}. Not pulled yet: if this tag is not
     * published for the release, override it with {@code -Dmeshroute.echo.image=...} (for example an image built
     * from istio/istio at the same tag with {@code make docker.app}).
     */
    public static final String ECHO_DEFAULT = "gcr.io/istio-testing/app:" + ISTIO_VERSION;
    /** The client pod's container: curl, run through the Kubernetes exec API; its sidecar routes the requests. */
    public static final String CLIENT = "docker.io/curlimages/curl:8.11.1";

    private K8sImages() {
    }

    public static String echoImage() {
        return System.getProperty("meshroute.echo.image", ECHO_DEFAULT);
    }
}
