package dev.meshroute.reference.dataplane;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
