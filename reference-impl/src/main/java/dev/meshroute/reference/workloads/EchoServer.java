package dev.meshroute.reference.workloads;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.util.concurrent.TimeUnit;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test workload standing in for one Kubernetes pod: an HTTP/1.1 server on loopback that answers every
 * request with 200 and a JSON description of the pod and of the request as it arrived.
 *
 * <p>The JSON object has the fields {@code pod}, {@code namespace}, {@code labels}, {@code method},
 * {@code path} (the request target, query included), {@code host} (the Host header, or null) and
 * {@code headers} (lower-cased name to its values in arrival order). Request bodies are read and ignored.
 */
public final class EchoServer implements PodServer {

    /** A request header asking the pod to answer only after this many milliseconds (at most 60 s). */
    public static final String DELAY_HEADER = "x-echo-delay-ms";
    /** A response header naming the pod, so response header operations have an upstream header to act on. */
    public static final String POD_HEADER = "x-echo-pod";
    /**
     * A pod label that makes the pod answer every request with this status (still with its JSON), as a broken
     * replica would: scenarios about outlier detection deploy one such pod next to healthy ones.
     */
    public static final String STATUS_LABEL = "echo.meshroute.dev/status";
    private static final long MAX_DELAY_MILLIS = 60_000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_INITIAL_LINE = 8192;
    private static final int MAX_HEADER_SIZE = 61440;

    private final String podName;
    private final String namespace;
    private final Map<String, String> labels;
    private final int requestedPort;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    // Closing a pod must also drop its open connections, as a killed pod does; the server channel alone would not.
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private volatile Channel serverChannel;
    private volatile boolean closed;

    /** A pod that will listen on an ephemeral port. */
    public EchoServer(String podName, String namespace, Map<String, String> labels) {
        this(podName, namespace, labels, 0);
    }

    /** A pod that will listen on {@code port} (0 for an ephemeral one). */
    public EchoServer(String podName, String namespace, Map<String, String> labels, int port) {
        this.podName = podName;
        this.namespace = namespace;
        this.labels = Collections.unmodifiableMap(new TreeMap<>(labels));
        this.requestedPort = port;
    }

    /**
     * Binds 127.0.0.1 and starts serving.
     *
     * @return the bound port
     * @throws IllegalStateException if already started, closed, or the port cannot be bound
     */
    public synchronized int start() {
        if (serverChannel != null || closed) {
            throw new IllegalStateException("echo server " + podName + " already started or closed");
        }
        ChannelFuture bind = new ServerBootstrap()
                .group(SharedLoops.GROUP)
                .channel(NioServerSocketChannel.class)
                // Tests restart pods on the port they had; lingering TIME_WAIT sockets must not block that.
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.incrementAndGet();
                        channels.add(ch);
                        // Accepted just before close() but registered after it: close() could not see this one.
                        if (closed) {
                            ch.close();
                            return;
                        }
                        ch.pipeline().addLast(
                                new HttpServerCodec(new HttpDecoderConfig()
                                        .setMaxInitialLineLength(MAX_INITIAL_LINE)
                                        .setMaxHeaderSize(MAX_HEADER_SIZE)),
                                new EchoHandler());
                    }
                })
                .bind("127.0.0.1", requestedPort)
                .awaitUninterruptibly();
        if (!bind.isSuccess()) {
            throw new IllegalStateException("echo server " + podName + " cannot bind port " + requestedPort,
                    bind.cause());
        }
        serverChannel = bind.channel();
        channels.add(serverChannel);
        return port();
    }

    /** The bound port. */
    public int port() {
        return address().getPort();
    }

    /** The bound loopback address and port. */
    public InetSocketAddress address() {
        Channel channel = serverChannel;
        if (channel == null) {
            throw new IllegalStateException("echo server " + podName + " not started");
        }
        return (InetSocketAddress) channel.localAddress();
    }

    public String podName() {
        return podName;
    }

    public String namespace() {
        return namespace;
    }

    public Map<String, String> labels() {
        return labels;
    }

    /** How many requests this pod has answered. */
    public long requestCount() {
        return requests.get();
    }

    /** How many connections this pod has accepted, which shows whether clients reuse connections. */
    public long connectionCount() {
        return connections.get();
    }

    /** Stops listening and closes every open connection; the port is free when this returns. */
    @Override
    public synchronized void close() {
        closed = true;
        channels.close().awaitUninterruptibly();
    }

    private byte[] describe(HttpRequest request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : request.headers()) {
            headers.computeIfAbsent(header.getKey().toLowerCase(Locale.ROOT), name -> new ArrayList<>())
                    .add(header.getValue());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("pod", podName);
        body.put("namespace", namespace);
        body.put("labels", labels);
        body.put("method", request.method().name());
        body.put("path", request.uri());
        body.put("host", request.headers().get(HttpHeaderNames.HOST));
        body.put("headers", headers);
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Answers each request once its body has been read to the end, so keep-alive connections stay in step. */
    private final class EchoHandler extends SimpleChannelInboundHandler<HttpObject> {
        private HttpRequest request;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg.decoderResult().isFailure()) {
                FullHttpResponse bad =
                        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST);
                HttpUtil.setContentLength(bad, 0);
                ctx.writeAndFlush(bad).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            if (msg instanceof HttpRequest head) {
                request = head;
                if (HttpUtil.is100ContinueExpected(head)) {
                    ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
                }
            }
            if (msg instanceof LastHttpContent && request != null) {
                HttpRequest head = request;
                request = null;
                long delay = delayMillis(head);
                if (delay > 0) {
                    // a slow pod, for timeout scenarios: the request asks for it
                    ctx.executor().schedule(() -> respond(ctx, head), delay, TimeUnit.MILLISECONDS);
                } else {
                    respond(ctx, head);
                }
            }
        }

        private long delayMillis(HttpRequest head) {
            String value = head.headers().get(DELAY_HEADER);
            try {
                return value == null ? 0 : Math.min(Long.parseLong(value.trim()), MAX_DELAY_MILLIS);
            } catch (NumberFormatException e) {
                return 0;
            }
        }

        private void respond(ChannelHandlerContext ctx, HttpRequest head) {
            if (!ctx.channel().isActive()) {
                return;
            }
            byte[] json = describe(head);
            FullHttpResponse response = new DefaultFullHttpResponse(
                    head.protocolVersion(), status(), Unpooled.wrappedBuffer(json));
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .set(POD_HEADER, podName)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, json.length);
            boolean keepAlive = HttpUtil.isKeepAlive(head);
            HttpUtil.setKeepAlive(response, keepAlive);
            requests.incrementAndGet();
            ChannelFuture written = ctx.writeAndFlush(response);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    /** 200, or the status the pod's {@link #STATUS_LABEL} asks for. */
    private HttpResponseStatus status() {
        String wanted = labels.get(STATUS_LABEL);
        if (wanted != null) {
            try {
                int code = Integer.parseInt(wanted.trim());
                if (code >= 200 && code <= 599) {
                    return HttpResponseStatus.valueOf(code);
                }
            } catch (NumberFormatException e) {
                // not a status: the pod stays healthy
            }
        }
        return HttpResponseStatus.OK;
    }

    /** One event loop group for every echo server, so that starting and stopping a pod costs only a socket. */
    private static final class SharedLoops {
        static final EventLoopGroup GROUP =
                new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("meshroute-echo", true),
                        NioIoHandler.newFactory());
    }
}
