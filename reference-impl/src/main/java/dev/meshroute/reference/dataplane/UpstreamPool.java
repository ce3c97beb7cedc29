package dev.meshroute.reference.dataplane;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Idle keep-alive HTTP/1.1 connections to upstream endpoints, one set per event loop.
 *
 * <p>Keeping the sets per event loop puts a proxied exchange's downstream and upstream channels on one thread:
 * the handlers then need no locking, and each set is touched only by its own loop. A connection carries one
 * request at a time; it is here only while idle.
 */
final class UpstreamPool {

    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final Bootstrap bootstrap;
    private final Map<EventLoop, Map<InetSocketAddress, Deque<Channel>>> idle = new ConcurrentHashMap<>();

    /**
     * @param bufferLimitBytes how much of a response body is held before the rest is streamed
     * @param transport        the proxy's transport (its event loops are of it)
     */
    UpstreamPool(int maxInitialLine, int maxHeaderSize, int bufferLimitBytes, Transport transport) {
        bootstrap = new Bootstrap()
                .channel(transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(
                                new HttpClientCodec(new HttpDecoderConfig()
                                        .setMaxInitialLineLength(maxInitialLine)
                                        .setMaxHeaderSize(maxHeaderSize),
                                        HttpClientCodec.DEFAULT_PARSE_HTTP_AFTER_CONNECT_REQUEST,
                                        HttpClientCodec.DEFAULT_FAIL_ON_MISSING_RESPONSE),
                                new ResponseAssembler(bufferLimitBytes),
                                new ProxyBackendHandler.Slot());
                    }
                });
    }

    /**
     * An idle connection to {@code endpoint} on {@code loop}, or a new one. Call on {@code loop}.
     *
     * @return a future whose channel is the connection once it succeeds
     */
    ChannelFuture acquire(EventLoop loop, InetSocketAddress endpoint) {
        Deque<Channel> channels = idle(loop, endpoint);
        for (Channel channel = channels.pollLast(); channel != null; channel = channels.pollLast()) {
            if (channel.isActive()) {
                return channel.newSucceededFuture();
            }
        }
        ChannelFuture connect = bootstrap.clone(loop).connect(endpoint);
        // Upstreams close idle connections; forget them then rather than on the next acquire, which may never come.
        connect.channel().closeFuture().addListener(closed -> channels.remove(connect.channel()));
        return connect;
    }

    /** Returns a connection whose last exchange completed cleanly. Call on the connection's event loop. */
    void release(Channel channel, InetSocketAddress endpoint) {
        if (channel.isActive()) {
            idle(channel.eventLoop(), endpoint).addLast(channel);
        }
    }

    /**
     * How many idle connections the pool holds, counted on their event loops, where a connection's close is seen
     * (tests: an upstream that closes its end is only noticed when the loop reads the end of the stream).
     */
    int idleConnections() {
        int count = 0;
        for (Map.Entry<EventLoop, Map<InetSocketAddress, Deque<Channel>>> perLoop : idle.entrySet()) {
            count += perLoop.getKey()
                    .submit(() -> perLoop.getValue().values().stream().mapToInt(Deque::size).sum())
                    .syncUninterruptibly().getNow();
        }
        return count;
    }

    private Deque<Channel> idle(EventLoop loop, InetSocketAddress endpoint) {
        return idle.computeIfAbsent(loop, l -> new HashMap<>()).computeIfAbsent(endpoint, e -> new ArrayDeque<>());
    }
}
