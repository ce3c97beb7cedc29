package dev.meshroute.reference.mesh;

import dev.meshroute.reference.cli.Main;
import dev.meshroute.reference.config.ConfigLoader;
import dev.meshroute.reference.dataplane.RandomSource;
import dev.meshroute.reference.testsupport.Fixtures;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every port the reference mesh listens on is bound to loopback unless told otherwise (issue #10). The listening
 * sockets are read from the kernel ({@code /proc/net/tcp} and {@code tcp6}, kept to this process's own sockets via
 * {@code /proc/self/fd}), so a server added later with a wildcard address fails this test without anyone having to
 * remember to add it here.
 */
class LoopbackBindingTest {

    /** A listening TCP socket of this process: its local address in the kernel's hex notation, and its port. */
    record Listener(String hexAddress, int port) {
        boolean loopback() {
            // IPv4 127.x.x.x is little-endian hex ending in 7F; IPv6 ::1, or ::ffff:127.x.x.x
            return hexAddress.length() == 8 ? hexAddress.endsWith("7F")
                    : hexAddress.equals("00000000000000000000000001000000")
                    || hexAddress.startsWith("0000000000000000FFFF0000") && hexAddress.endsWith("7F");
        }
    }

    @Test
    void theMeshWithGatewayAndPods_listensOnLoopbackOnly() throws IOException {
        assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")) && Files.isDirectory(Path.of("/proc/self/fd")),
                "needs Linux /proc to list this process's listening sockets");
        Set<Listener> before = listeners();
        try (ReferenceMesh mesh = new ReferenceMesh(new InetSocketAddress("127.0.0.1", 0),
                new InetSocketAddress("127.0.0.1", 0), RandomSource.THREAD_LOCAL)) {
            int gateway = mesh.startIngressGateway(new InetSocketAddress("127.0.0.1", 0), RandomSource.THREAD_LOCAL);
            ReferenceMesh.Applied applied = mesh.apply(ConfigLoader.loadDirectory(Fixtures.guideDir()));
            assertTrue(applied.config().workloads().size() >= 2, "the guide's pods run");
            Set<Listener> opened = new HashSet<>(listeners());
            opened.removeAll(before);
            Set<Integer> ports = new HashSet<>();
            opened.forEach(l -> ports.add(l.port()));
            assertTrue(ports.containsAll(List.of(mesh.proxyPort(), mesh.xdsPort(), gateway)),
                    "the proxy, control plane and gateway ports are among " + opened);
            // proxy + control plane + gateway + the guide's three pods
            assertTrue(opened.size() >= 6, "expected at least 6 new listeners, found " + opened);
            for (Listener l : opened) {
                assertTrue(l.loopback(), "port " + l.port() + " listens on " + l.hexAddress() + ", not loopback");
            }
        }
    }

    @Test
    void serve_bindsLoopbackByDefault_andTakesAnotherAddressWhenTold() {
        CommandLine serve = new CommandLine(new Main()).getSubcommands().get("serve");
        assertEquals("127.0.0.1", serve.getCommandSpec().findOption("--bind-address").defaultValue());
        assertEquals("127.0.0.1", serve.getCommandSpec().findOption("--xds-bind-address").defaultValue());
        assertTrue(serve.getCommandSpec().findOption("--bind") != null, "the older --bind still works");
    }

    /** This process's listening TCP sockets. */
    private static Set<Listener> listeners() throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            fds.forEach(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException | UnsupportedOperationException gone) {
                    // closed while listing
                }
            });
        }
        Set<Listener> out = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path path = Path.of(table);
            if (!Files.isReadable(path)) {
                continue;
            }
            // one read: the table changes as sockets come and go, so a second read may be shorter
            List<String> lines = Files.readAllLines(path);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) {
                    String[] local = f[1].split(":");
                    out.add(new Listener(local[0], Integer.parseInt(local[1], 16)));
                }
            }
        }
        return out;
    }
}
