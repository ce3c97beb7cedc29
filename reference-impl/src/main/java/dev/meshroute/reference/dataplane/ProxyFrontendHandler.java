package dev.meshroute.reference.dataplane;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The downstream side of the proxy: routes each request on a client connection and answers it with a local reply
 * or the upstream's response, one request at a time and in arrival order.
 *
 * <p>A {@link StreamedRequest} is routed on its head like any other and forwarded once, without mirrors (Envoy drops
 * shadows of a body it cannot buffer); if it is answered before its body has all come, the connection closes after
 * the answer, as the rest of the body cannot be skipped safely. A {@link StreamedResponse} is relayed head first,
 * then its body as it comes; the next request is served once it has all been written.
 */
final class ProxyFrontendHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(ProxyFrontendHandler.class.getName());

    private final Supplier<Router> router;
    private final UpstreamPool upstreams;
    private final Deque<FullHttpRequest> waiting = new ArrayDeque<>();
    private boolean busy;
    private HttpVersion version;
    private boolean keepAlive;
    /** The rest of the current request's body when it is streamed, else null. */
    private BodyStream requestRest;
    /** The client's address ({@link #source(Channel)}). */
    private String source;

    ProxyFrontendHandler(Supplier<Router> router, UpstreamPool upstreams) {
        this.router = router;
        this.upstreams = upstreams;
    }

    /**
     * What routing sees of a request: header names lower-cased, everything else as sent, and the downstream
     * connection's address as {@code ip:port} (hash policies on the source IP), or null when unknown.
     */
    static HttpRequestHead head(HttpRequest request, String source) {
        List<Map.Entry<String, String>> headers = new ArrayList<>(request.headers().size());
        for (Map.Entry<String, String> header : request.headers()) {
            headers.add(Map.entry(header.getKey().toLowerCase(Locale.ROOT), header.getValue()));
        }
        String authority = request.headers().get(HttpHeaderNames.HOST, "");
        return new HttpRequestHead(request.method().name(), request.uri(), authority, "http", headers, source);
    }

    /** The client connection's address as {@code ip:port}, worked out once per connection; null when unknown. */
    private String source(Channel channel) {
        if (source == null && channel.remoteAddress() instanceof InetSocketAddress a) {
            source = a.getAddress().getHostAddress() + ":" + a.getPort();
        }
        return source;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        waiting.add((FullHttpRequest) msg);
        if (busy) {
            // A pipelined request: reading pauses until the queue is served, so requests wait here in order and
            // few at a time. (Pausing for every request would cost two epoll_ctl calls per request.)
            ctx.channel().config().setAutoRead(false);
        }
        serveNext(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        waiting.forEach(FullHttpRequest::release);
        waiting.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.FINE, "downstream connection failed", cause);
        closeOnFlush(ctx.channel());
    }

    private void serveNext(ChannelHandlerContext ctx) {
        if (busy) {
            return;
        }
        FullHttpRequest request = waiting.poll();
        if (request == null) {
            if (!ctx.channel().config().isAutoRead()) {
                ctx.channel().config().setAutoRead(true);
            }
            return;
        }
        busy = true;
        version = request.protocolVersion();
        keepAlive = request.decoderResult().isSuccess() && HttpUtil.isKeepAlive(request);
        requestRest = request instanceof StreamedRequest streamed ? streamed.rest() : null;
        try {
            serve(ctx, request);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot handle " + request.method() + " " + request.uri(), e);
            respond(ctx, LocalReplies.internalError());
        } finally {
            request.release();
        }
    }

    private void serve(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            respond(ctx, LocalReplies.forDecoderFailure(request.decoderResult().cause()));
            return;
        }
        RouteDecision decision = router.get().route(head(request, source(ctx.channel())));
        if (decision instanceof RouteDecision.Forward forward) {
            if (forward.path() != null) {
                // Envoy keeps the path as the client sent it in x-envoy-original-path
                request.headers().set("x-envoy-original-path", request.uri());
                request.setUri(forward.path());
            }
            if (forward.authority() != null) {
                request.headers().set(HttpHeaderNames.HOST, forward.authority());
            }
            forward.requestHeaders().applyTo(request.headers());
            if (forward.delayMillis() > 0) {
                // an injected fault delay: the request waits here, then goes on as usual
                request.retain();
                ctx.executor().schedule(() -> {
                    try {
                        if (ctx.channel().isActive()) {
                            send(ctx, request, forward);
                        }
                    } finally {
                        request.release();
                    }
                }, forward.delayMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } else {
                send(ctx, request, forward);
            }
        } else {
            respond(ctx, LocalReplies.of((RouteDecision.LocalReply) decision));
        }
    }

    private void send(ChannelHandlerContext ctx, FullHttpRequest request, RouteDecision.Forward forward) {
        List<InetSocketAddress> mirrors = request instanceof StreamedRequest ? List.of() : forward.attempts().mirrors();
        for (InetSocketAddress mirror : mirrors) {
            // request_mirror_policies: a fire-and-forget copy; its answer is dropped
            FullHttpRequest copy = request.retainedDuplicate();
            try {
                ProxyBackendHandler.forward(upstreams, ctx.channel().eventLoop(), mirror, copy, 0,
                        BodyStream::discard);
            } finally {
                copy.release();
            }
        }
        new UpstreamAttempts(ctx.channel().eventLoop(), upstreams, router.get(), request, forward, response -> {
            if (response.headers().get(LocalReplies.RESPONSE_FLAGS_HEADER) == null) {
                forward.responseHeaders().applyTo(response.headers()); // the upstream's answer only
            }
            relay(ctx, response);
        }).start();
    }

    private void relay(ChannelHandlerContext ctx, FullHttpResponse response) {
        // These describe the upstream connection; respond() sets the downstream one's.
        response.headers().remove(HttpHeaderNames.CONNECTION).remove(HttpHeaderNames.KEEP_ALIVE);
        if (response instanceof StreamedResponse streamed) {
            relayStreamed(ctx, streamed);
        } else {
            respond(ctx, response);
        }
    }

    private void respond(ChannelHandlerContext ctx, FullHttpResponse response) {
        boolean keep = answering();
        busy = false;
        response.setProtocolVersion(version);
        HttpUtil.setKeepAlive(response, keep);
        if (keep) {
            // no promise to notify: a failed write reaches exceptionCaught, which closes the connection
            ctx.writeAndFlush(response, ctx.voidPromise());
            if (!waiting.isEmpty() || !ctx.channel().config().isAutoRead()) {
                // Later, not now: a run of pipelined local replies would otherwise recurse once per request.
                ctx.executor().execute(() -> serveNext(ctx));
            } // else nothing waits, and reading is on: the next request is served when it arrives
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Writes the head and the buffered part now, the rest as it comes; serves the next request after it. */
    private void relayStreamed(ChannelHandlerContext ctx, StreamedResponse response) {
        // a body that only the connection's end delimits leaves the connection unusable after it
        boolean keep = answering()
                && (HttpUtil.isContentLengthSet(response) || HttpUtil.isTransferEncodingChunked(response));
        HttpResponse head = response.head();
        head.setProtocolVersion(version);
        HttpUtil.setKeepAlive(head, keep);
        Channel downstream = ctx.channel();
        downstream.write(head);
        downstream.write(response.firstPart());
        response.rest().attach(downstream, () -> {
            busy = false;
            if (keep) {
                serveNext(ctx);
            } else {
                downstream.close();
            }
        });
    }

    /**
     * The answer to the current request is being written: whether the connection stays open after it. Not if the
     * client asked otherwise, nor if the request's body is still coming (what is left of it is dropped).
     */
    private boolean answering() {
        if (requestRest != null && !requestRest.received()) {
            requestRest.drop();
            keepAlive = false;
        }
        requestRest = null;
        return keepAlive;
    }

    private static void closeOnFlush(Channel channel) {
        if (channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
