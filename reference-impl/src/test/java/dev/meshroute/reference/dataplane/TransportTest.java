package dev.meshroute.reference.dataplane;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Which socket transport the proxy runs on, and the proxy's socket-level tests ({@link ProxyServerTest},
 * {@link HttpRobustnessTest}, {@link BodyStreamingTest}: keep-alive, framing, timeouts, flow control) run again on
 * each transport, since the default one depends on the machine: io_uring where the kernel allows it, else epoll,
 * else NIO. A transport this machine cannot run is skipped, not passed.
 */
class TransportTest {

    @Test
    void theDefault_isTheBestAvailable() {
        Transport expected = IoUring.isAvailable() ? Transport.IO_URING
                : Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO;
        assertEquals(expected, Transport.choose(""));
    }

    @Test
    void askingForATransport_getsIt_whenItIsAvailable() {
        assertEquals(Transport.NIO, Transport.choose("nio"));
        assertEquals(Epoll.isAvailable() ? Transport.EPOLL : Transport.choose(""), Transport.choose("EPOLL"));
        assertEquals(Transport.choose(""), Transport.choose("io_uring")); // the best when available, else the best
    }

    @Test
    void anUnknownName_isIgnored() {
        assertEquals(Transport.choose(""), Transport.choose("kqueue"));
    }

    /**
     * Netty's io_uring check creates one ring, but a machine may refuse the loops' rings (a locked-memory limit on
     * kernels before 5.12): the proxy then starts on the next available transport and serves. The refusal cannot
     * be made here, so the loops of the first transport fail by the test's hand; everything else is real.
     */
    @Test
    void eventLoopsThatCannotBeCreated_fallBackToTheNextTransport_whichServes() throws Exception {
        Transport first = Transport.choose("");
        assumeTrue(first != Transport.NIO, "no native transport here, so nothing to fall back from");
        ProxyServer proxy = new ProxyServer(new InetSocketAddress("127.0.0.1", 0),
                () -> request -> new RouteDecision.LocalReply("echo-path", 200, request.path(), null),
                RequestLimits.DEFAULTS, first, t -> {
                    if (t == first) {
                        throw new IllegalStateException("failed to create a child event loop (as a ring refused)");
                    }
                    return new MultiThreadIoEventLoopGroup(1, t.ioHandlerFactory());
                });
        try {
            int port = proxy.start();
            assertEquals(first.andFallbacks().get(1), proxy.transport());
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write("GET /served HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(response.startsWith("HTTP/1.1 200"), response);
                assertTrue(response.endsWith("/served"), response);
            }
        } finally {
            proxy.close();
        }
    }

    @Test
    void eventLoopsOfNoTransportCanBeCreated_startFailsWithTheFirstError() {
        ProxyServer proxy = new ProxyServer(new InetSocketAddress("127.0.0.1", 0),
                () -> request -> new RouteDecision.LocalReply("x", 200, "", null), RequestLimits.DEFAULTS,
                Transport.choose(""), t -> {
                    throw new IllegalStateException("no loops on " + t);
                });
        IllegalStateException e = assertThrows(IllegalStateException.class, proxy::start);
        assertEquals("no loops on " + Transport.choose(""), e.getMessage());
        proxy.close();
    }

    @Test
    void fallbacks_areTheAvailableTransportsAfterThisOne_nioLast() {
        assertEquals(java.util.List.of(Transport.NIO), Transport.NIO.andFallbacks());
        java.util.List<Transport> all = Transport.IO_URING.andFallbacks();
        assertEquals(Transport.IO_URING, all.get(0));
        assertEquals(Transport.NIO, all.get(all.size() - 1));
        assertEquals(Epoll.isAvailable(), all.contains(Transport.EPOLL));
    }

    private static Transport only(Transport transport) {
        assumeTrue(transport.available(), transport + " is not available on this machine");
        return transport;
    }

    @Nested
    class ProxyServerOnIoUring extends ProxyServerTest {
        @Override
        Transport transport() {
            return only(Transport.IO_URING);
        }
    }

    @Nested
    class ProxyServerOnEpoll extends ProxyServerTest {
        @Override
        Transport transport() {
            return only(Transport.EPOLL);
        }
    }

    @Nested
    class ProxyServerOnNio extends ProxyServerTest {
        @Override
        Transport transport() {
            return Transport.NIO;
        }
    }

    @Nested
    class HttpRobustnessOnIoUring extends HttpRobustnessTest {
        @Override
        Transport transport() {
            return only(Transport.IO_URING);
        }
    }

    @Nested
    class HttpRobustnessOnEpoll extends HttpRobustnessTest {
        @Override
        Transport transport() {
            return only(Transport.EPOLL);
        }
    }

    @Nested
    class HttpRobustnessOnNio extends HttpRobustnessTest {
        @Override
        Transport transport() {
            return Transport.NIO;
        }
    }

    @Nested
    class BodyStreamingOnIoUring extends BodyStreamingTest {
        @Override
        Transport transport() {
            return only(Transport.IO_URING);
        }
    }

    @Nested
    class BodyStreamingOnEpoll extends BodyStreamingTest {
        @Override
        Transport transport() {
            return only(Transport.EPOLL);
        }
    }

    @Nested
    class BodyStreamingOnNio extends BodyStreamingTest {
        @Override
        Transport transport() {
            return Transport.NIO;
        }
    }
}
