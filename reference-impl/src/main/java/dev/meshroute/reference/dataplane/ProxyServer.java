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
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The reference proxy's HTTP/1.1 listener: routes every request with the current {@link Router} and either
 * answers it locally or forwards it, unchanged, to the chosen endpoint over pooled keep-alive connections. Bodies up
 * to the buffer limit are buffered whole; larger ones are streamed in both directions with flow control
 * ({@link BodyStream}).
 *
 * <p>The router is looked up once per request, so the caller can swap it at any time.
 */
public final class ProxyServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ProxyServer.class.getName());
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
    /** The transport asked for; {@link #start} may fall back from it when its event loops cannot be created. */
    private final Transport wanted;
    /** Creates the event loops of a transport (a seam for tests: the failures it falls back from cannot be made here). */
    private final Function<Transport, EventLoopGroup> loops;
    private Transport transport;
    private UpstreamPool upstreams;
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
        this(bindAddress, router, limits, transport, t -> new MultiThreadIoEventLoopGroup(WORKER_THREADS,
                new DefaultThreadFactory("meshroute-proxy"), t.ioHandlerFactory()));
    }

    /** As above, with the event loops made by {@code loops} (tests). */
    ProxyServer(InetSocketAddress bindAddress, Supplier<Router> router, RequestLimits limits, Transport transport,
                Function<Transport, EventLoopGroup> loops) {
        this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
        this.router = Objects.requireNonNull(router, "router");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.wanted = Objects.requireNonNull(transport, "transport");
        this.loops = Objects.requireNonNull(loops, "loops");
    }

    /** The transport the started proxy runs on (the one asked for, or the one it fell back to). */
    synchronized Transport transport() {
        if (transport == null) {
            throw new IllegalStateException("proxy not started");
        }
        return transport;
    }

    /**
     * The event loops of the wanted transport or, when they cannot be created, of the next available one: Netty's
     * availability check creates one io_uring ring, but a machine may still refuse the rings of the loops (a
     * locked-memory limit on kernels before 5.12, a container's limits), and the proxy then runs on epoll, not
     * nowhere.
     */
    private EventLoopGroup eventLoops() {
        RuntimeException first = null;
        for (Transport t : wanted.andFallbacks()) {
            try {
                EventLoopGroup created = loops.apply(t);
                if (first != null) {
                    LOG.warning("the proxy's " + wanted + " event loops cannot be created here (" + first
                            + "); it runs on " + t);
                }
                transport = t;
                return created;
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        throw first;
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
        group = eventLoops();
        upstreams = new UpstreamPool(MAX_INITIAL_LINE, MAX_HEADER_SIZE, limits.bufferLimitBytes(), transport);
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

    /** How many idle upstream connections the proxy keeps (tests). */
    synchronized int idleUpstreamConnections() {
        if (upstreams == null) {
            throw new IllegalStateException("proxy not started");
        }
        return upstreams.idleConnections();
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
