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

/**
 * The proxy's socket transport: Linux epoll (Netty's native transport) where it loads, Java NIO elsewhere.
 *
 * <p>The event loops, the listening socket and the upstream connections must all be of one transport, so every
 * proxy part asks here. {@code -Dmeshroute.proxy.transport=nio} forces NIO (to compare, or to rule epoll out).
 */
enum Transport {
    EPOLL, NIO;

    /** The transport this process uses. */
    static final Transport CURRENT = choose();

    private static Transport choose() {
        if ("nio".equalsIgnoreCase(System.getProperty("meshroute.proxy.transport"))) {
            return NIO;
        }
        try {
            return Epoll.isAvailable() ? EPOLL : NIO;
        } catch (LinkageError e) {
            return NIO; // the native library's classes are missing or do not load on this platform
        }
    }

    IoHandlerFactory ioHandlerFactory() {
        return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    Class<? extends ServerSocketChannel> serverChannel() {
        return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    Class<? extends SocketChannel> socketChannel() {
        return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
