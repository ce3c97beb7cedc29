package dev.meshroute.conformance.target.envoy;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

import java.io.IOException;
import java.time.Duration;

/**
 * The official Envoy image, bootstrapped to an ADS control plane on the Docker host
 * (Testcontainers' host port exposure), with its captured listener and admin port published.
 */
public final class EnvoyContainer extends GenericContainer<EnvoyContainer> {

    /** The Envoy release the envoy target certifies against; change it here only. */
    public static final DockerImageName IMAGE = DockerImageName.parse("envoyproxy/envoy:v1.34.1");
    private static final String BOOTSTRAP = "/etc/envoy/meshroute.yaml";

    public EnvoyContainer(DockerImageName image, String bootstrapYaml) {
        super(image);
        image.assertCompatibleWith(DockerImageName.parse("envoyproxy/envoy"));
        withCopyToContainer(Transferable.of(bootstrapYaml), BOOTSTRAP);
        withCommand("envoy", "-c", BOOTSTRAP, "--log-level", "warn");
        withExposedPorts(EnvoyBootstrap.ADMIN_PORT, EnvoyXds.LISTENER_PORT);
        withAccessToHost(true);
        waitingFor(Wait.forHttp("/ready").forPort(EnvoyBootstrap.ADMIN_PORT).forStatusCode(200)
                .withStartupTimeout(Duration.ofSeconds(60)));
    }

    /** The host port that reaches Envoy's captured listener. */
    public int listenerPort() {
        return getMappedPort(EnvoyXds.LISTENER_PORT);
    }

    /** The IP address of {@code host.testcontainers.internal} as Envoy resolves it: where EDS must point. */
    public String hostAddressSeenFromContainer() {
        try {
            ExecResult r = execInContainer("getent", "hosts", "host.testcontainers.internal");
            String out = r.getStdout().trim();
            if (r.getExitCode() != 0 || out.isEmpty()) {
                throw new IllegalStateException("the Envoy container cannot resolve host.testcontainers.internal: "
                        + r.getStderr());
            }
            return out.split("\\s+")[0];
        } catch (IOException e) {
            throw new IllegalStateException("cannot run getent in the Envoy container: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
