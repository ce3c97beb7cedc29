package dev.meshroute.reference.dataplane;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The reference proxy's HTTP/1.1 listener: routes every request with the current {@link Router} and either
 * answers it locally or forwards it, unchanged, to the chosen endpoint over pooled keep-alive connections. Bodies up
 * to the buffer limit are buffered whole; larger ones are streamed in both directions with flow control
 * ({@link BodyStream}).
 *
 * <p>The router is looked up once per request, so the caller can swap it at any time.
 */
public final class ProxyServer implements AutoCloseable {

    /**
     * Event loop threads: {@code -Dmeshroute.proxy.workers=N} (default 2). A connection and its upstream
     * connections stay on one loop, so N loops use at most N cores (the benchmark pins the proxy to one).
     */
    static final int WORKER_THREADS = Math.max(1, Integer.getInteger("meshroute.proxy.workers", 2));
    private static final int MAX_INITIAL_LINE = 8192;
    private static final int MAX_HEADER_SIZE = 61440;

    private final InetSocketAddress bindAddress;
    private final Supplier<Router> router;
    private final RequestLimits limits;
    private final Transport transport;
    private final UpstreamPool upstreams;
    private EventLoopGroup group;
    private Channel serverChannel;

    /** A proxy that will listen on 127.0.0.1:{@code port} (0 for an ephemeral port). */
    public ProxyServer(int port, Supplier<Router> router) {
        this(new InetSocketAddress("127.0.0.1", port), router);
    }

    /** A proxy that will listen on {@code bindAddress}; port 0 picks an ephemeral port. */
    public ProxyServer(InetSocketAddress bindAddress, Supplier<Router> router) {
        this(bindAddress, router, RequestLimits.DEFAULTS);
    }

    /** As {@link #ProxyServer(InetSocketAddress, Supplier)}, with other limits on requests. */
    public ProxyServer(InetSocketAddress bindAddress, Supplier<Router> router, RequestLimits limits) {
        this(bindAddress, router, limits, Transport.CURRENT);
    }

    /** As {@link #ProxyServer(InetSocketAddress, Supplier, RequestLimits)}, on a given socket transport (tests). */
    ProxyServer(InetSocketAddress bindAddress, Supplier<Router> router, RequestLimits limits, Transport transport) {
        this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
        this.router = Objects.requireNonNull(router, "router");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.upstreams = new UpstreamPool(MAX_INITIAL_LINE, MAX_HEADER_SIZE, limits.bufferLimitBytes(), transport);
    }

    /**
     * Binds and starts serving.
     *
     * @return the bound port
     * @throws IllegalStateException if already started or the address cannot be bound
     */
    public synchronized int start() {
        if (group != null) {
            throw new IllegalStateException("proxy already started");
        }
        group = new MultiThreadIoEventLoopGroup(WORKER_THREADS, new DefaultThreadFactory("meshroute-proxy"),
                transport.ioHandlerFactory());
        ChannelFuture bind = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // Envoy counts the URL within max_request_headers_kb: a request line may be as long
                        DownstreamCodec codec = new DownstreamCodec(new HttpDecoderConfig()
                                .setMaxInitialLineLength(limits.decoderHeaderBytes())
                                .setMaxHeaderSize(limits.decoderHeaderBytes()));
                        StreamTimers timers = new StreamTimers(limits.requestHeadersTimeout().toMillis(),
                                limits.streamIdleTimeout().toMillis(), codec);
                        codec.onBytesRead(timers::requestBytesArrived);
                        ch.pipeline().addLast(
                                codec,
                                timers,
                                new RequestAssembler(limits),
                                new ProxyFrontendHandler(router, upstreams));
                    }
                })
                .bind(bindAddress)
                .awaitUninterruptibly();
        if (!bind.isSuccess()) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw new IllegalStateException("proxy cannot bind " + bindAddress, bind.cause());
        }
        serverChannel = bind.channel();
        return port();
    }

    /** The bound port. */
    public synchronized int port() {
        return address().getPort();
    }

    /** The bound address. */
    public synchronized InetSocketAddress address() {
        if (serverChannel == null) {
            throw new IllegalStateException("proxy not started");
        }
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Stops listening, closes every connection and stops the proxy's threads. */
    @Override
    public synchronized void close() {
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }
}
