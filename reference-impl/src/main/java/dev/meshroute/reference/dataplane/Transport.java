package dev.meshroute.reference.dataplane;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;

import java.util.Locale;
import java.util.logging.Logger;

/**
 * The proxy's socket transport: Linux io_uring where the kernel allows it, else Linux epoll (both Netty's native
 * transports), else Java NIO.
 *
 * <p>io_uring submits a loop turn's socket reads and writes in one system call instead of one call each (about 0.7
 * calls per proxied request instead of 4 with epoll; see BENCHMARKS.md). Kernels or sandboxes that forbid it
 * (older than 5.14, {@code kernel.io_uring_disabled}, Docker's default seccomp profile) make Netty report it
 * unavailable, and epoll is used. The event loops, the listening socket and the upstream connections must all be
 * of one transport, so every proxy part asks here. {@code -Dmeshroute.proxy.transport=io_uring|epoll|nio} asks for
 * one (to compare, or to rule one out); one that is not available here falls back as above, with a warning.
 */
enum Transport {
    IO_URING, EPOLL, NIO;

    private static final Logger LOG = Logger.getLogger(Transport.class.getName());

    /** The transport this process uses. */
    static final Transport CURRENT = choose(System.getProperty("meshroute.proxy.transport", ""));

    /** The transport for a {@code meshroute.proxy.transport} value ("" for the best one available). */
    static Transport choose(String wanted) {
        Transport asked = switch (wanted.toLowerCase(Locale.ROOT)) {
            case "" -> null;
            case "io_uring", "iouring", "io-uring" -> IO_URING;
            case "epoll" -> EPOLL;
            case "nio" -> NIO;
            default -> {
                LOG.warning("meshroute.proxy.transport=" + wanted + " is not one of io_uring, epoll, nio; ignored");
                yield null;
            }
        };
        if (asked != null && asked.available()) {
            return asked;
        }
        if (asked != null) {
            LOG.warning("meshroute.proxy.transport=" + wanted + ": not available here (" + asked.whyNot() + ")");
        }
        return IO_URING.available() ? IO_URING : EPOLL.available() ? EPOLL : NIO;
    }

    /** This transport, then the available ones after it in the order of preference (NIO always last). */
    java.util.List<Transport> andFallbacks() {
        java.util.List<Transport> out = new java.util.ArrayList<>(java.util.List.of(this));
        for (Transport t : values()) {
            if (t.ordinal() > ordinal() && t.available()) {
                out.add(t);
            }
        }
        return out;
    }

    /** Whether this transport can run here: the native ones need Linux x86-64 and what the kernel allows. */
    boolean available() {
        try {
            return switch (this) {
                case IO_URING -> IoUring.isAvailable();
                case EPOLL -> Epoll.isAvailable();
                case NIO -> true;
            };
        } catch (LinkageError e) {
            return false; // the native library's classes are missing or do not load on this platform
        }
    }

    private String whyNot() {
        try {
            Throwable cause = switch (this) {
                case IO_URING -> IoUring.unavailabilityCause();
                case EPOLL -> Epoll.unavailabilityCause();
                case NIO -> null;
            };
            return String.valueOf(cause);
        } catch (LinkageError e) {
            return e.toString();
        }
    }

    IoHandlerFactory ioHandlerFactory() {
        return switch (this) {
            case IO_URING -> IoUringIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
    }

    Class<? extends ServerSocketChannel> serverChannel() {
        return switch (this) {
            case IO_URING -> IoUringServerSocketChannel.class;
            case EPOLL -> EpollServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }

    Class<? extends SocketChannel> socketChannel() {
        return switch (this) {
            case IO_URING -> IoUringSocketChannel.class;
            case EPOLL -> EpollSocketChannel.class;
            case NIO -> NioSocketChannel.class;
        };
    }
}
