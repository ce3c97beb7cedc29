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
 *
 * <p>A request can ask the pod to misbehave, for retry and resilience scenarios: {@code x-echo-delay-ms},
 * {@code x-echo-status}, {@code x-echo-reset}, limited to some attempts ({@code x-echo-faulty-attempts}, by the
 * proxy's {@code x-envoy-attempt-count}) or some pods ({@code x-echo-faulty-pods}).
 */
public final class EchoServer implements PodServer {

    /** A request header asking the pod to answer only after this many milliseconds (at most 60 s). */
    public static final String DELAY_HEADER = "x-echo-delay-ms";
    /** A request header asking the pod to answer with this status (its body still describes the request). */
    public static final String STATUS_HEADER = "x-echo-status";
    /** A request header asking the pod to close the connection without answering. */
    public static final String RESET_HEADER = "x-echo-reset";
    /**
     * A request header limiting the directives above to the first N attempts, counted by the proxy's
     * {@code x-envoy-attempt-count} (1 when absent): {@code 2} makes attempts 1 and 2 misbehave, then the pod answers.
     */
    public static final String FAULTY_ATTEMPTS_HEADER = "x-echo-faulty-attempts";
    /** A request header limiting the directives above to the pods named, comma separated. */
    public static final String FAULTY_PODS_HEADER = "x-echo-faulty-pods";
    private static final int RECEIVED_LOG_SIZE = 10_000;
    /**
     * A pod label for workloads that misbehave on their own: {@code refuse-connections} binds the pod's port and
     * closes it again, so the pod is in the service's endpoints but every connection to it is refused (a container
     * that is not listening, with no readiness probe to take it out).
     */
    public static final String BEHAVIOUR_LABEL = "echo.meshroute.dev/behaviour";
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
    private volatile InetSocketAddress boundAddress;
    private final java.util.ArrayDeque<Map<String, Object>> received = new java.util.ArrayDeque<>();
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
        boundAddress = (InetSocketAddress) serverChannel.localAddress();
        if ("refuse-connections".equals(labels.get(BEHAVIOUR_LABEL))) {
            // a pod whose container does not listen: its address is in the endpoints, connections are refused
            serverChannel.close().awaitUninterruptibly();
        }
        return port();
    }

    /** The bound port. */
    public int port() {
        return address().getPort();
    }

    /** The bound loopback address and port. */
    public InetSocketAddress address() {
        InetSocketAddress address = boundAddress;
        if (address == null) {
            throw new IllegalStateException("echo server " + podName + " not started");
        }
        return address;
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

    /**
     * The last requests this pod received (up to 10,000, oldest first), answered or not, each described as in the
     * response body. Mirrored copies show up here, though their answers go nowhere.
     */
    public List<Map<String, Object>> receivedRequests() {
        synchronized (received) {
            return List.copyOf(received);
        }
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

    private Map<String, Object> description(HttpRequest request) {
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
        return body;
    }

    private byte[] describe(HttpRequest request) {
        try {
            return JSON.writeValueAsBytes(description(request));
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
                synchronized (received) {
                    received.addLast(description(head));
                    if (received.size() > RECEIVED_LOG_SIZE) {
                        received.removeFirst();
                    }
                }
                if (!misbehaves(head)) {
                    respond(ctx, head, EchoServer.this.status());
                    return;
                }
                if (head.headers().contains(RESET_HEADER)) {
                    ctx.close(); // a pod that drops the connection: the proxy gets no response at all
                    return;
                }
                HttpResponseStatus status = status(head);
                long delay = delayMillis(head);
                if (delay > 0) {
                    // a slow pod, for timeout scenarios: the request asks for it
                    ctx.executor().schedule(() -> respond(ctx, head, status), delay, TimeUnit.MILLISECONDS);
                } else {
                    respond(ctx, head, status);
                }
            }
        }

        /** Whether the request's x-echo directives apply to this pod and this attempt. */
        private boolean misbehaves(HttpRequest head) {
            String pods = head.headers().get(FAULTY_PODS_HEADER);
            if (pods != null && java.util.Arrays.stream(pods.split(",")).map(String::trim).noneMatch(podName::equals)) {
                return false;
            }
            String attempts = head.headers().get(FAULTY_ATTEMPTS_HEADER);
            if (attempts != null) {
                return number(head.headers().get("x-envoy-attempt-count"), 1) <= number(attempts, 0);
            }
            return true;
        }

        private HttpResponseStatus status(HttpRequest head) {
            long code = number(head.headers().get(STATUS_HEADER), -1);
            return code >= 100 && code <= 599 ? HttpResponseStatus.valueOf((int) code) : EchoServer.this.status();
        }

        private static long number(String value, long otherwise) {
            try {
                return value == null ? otherwise : Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                return otherwise;
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

        private void respond(ChannelHandlerContext ctx, HttpRequest head, HttpResponseStatus status) {
            if (!ctx.channel().isActive()) {
                return;
            }
            byte[] json = describe(head);
            FullHttpResponse response = new DefaultFullHttpResponse(
                    head.protocolVersion(), status, Unpooled.wrappedBuffer(json));
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
