package dev.meshroute.reference.dataplane;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpUtil;

import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The upstream side of one proxied exchange: sends a request on a pooled connection and hands back exactly one
 * response, the upstream's or a 503 local reply if the connection fails first: UF when the request could not be
 * sent, UC when the connection ended after it was sent.
 *
 * <p>A {@link StreamedRequest}'s head and buffered part are written first and the rest of its body follows as it
 * arrives; a {@link StreamedResponse} is handed on at its head and its connection goes back to the pool only once
 * its last chunk came. A connection is reused only when both whole bodies went through.
 *
 * <p>Every pooled connection ends in one {@link Slot}, which passes the connection's events to the exchange it
 * carries, if any; the exchange returns the connection to the pool when both sides allow keep-alive. (A handler
 * added and removed per exchange would cost two pipeline changes per request.)
 */
final class ProxyBackendHandler {

    /** The last handler of every upstream connection: the exchange in progress on it, or none while idle. */
    static final class Slot extends ChannelInboundHandlerAdapter {
        private ProxyBackendHandler exchange;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ProxyBackendHandler current = exchange;
            if (current == null) {
                // a response nobody asked for: the connection is out of step, so it is not reused
                io.netty.util.ReferenceCountUtil.release(msg);
                ctx.channel().close();
                return;
            }
            current.channelRead(ctx, msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            ProxyBackendHandler current = exchange;
            if (current != null) {
                current.fail(ctx.channel(), new ClosedChannelException());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ProxyBackendHandler current = exchange;
            if (current != null) {
                current.fail(ctx.channel(), cause);
            } else {
                LOG.log(Level.FINE, "idle upstream connection failed", cause);
                ctx.channel().close();
            }
        }
    }

    private static final Logger LOG = Logger.getLogger(ProxyBackendHandler.class.getName());

    private final UpstreamPool pool;
    private final InetSocketAddress endpoint;
    private final boolean requestAllowsReuse;
    /** The rest of a streamed request's body, or null when the request was sent whole. */
    private final BodyStream requestRest;
    private final Consumer<FullHttpResponse> reply;
    private Slot slot;
    private boolean finished;
    private boolean written;

    private ProxyBackendHandler(UpstreamPool pool, InetSocketAddress endpoint, boolean requestAllowsReuse,
                                BodyStream requestRest, Consumer<FullHttpResponse> reply) {
        this.pool = pool;
        this.endpoint = endpoint;
        this.requestAllowsReuse = requestAllowsReuse;
        this.requestRest = requestRest;
        this.reply = reply;
    }

    /**
     * Forwards {@code request} to {@code endpoint} and later passes the response to {@code reply}, on {@code loop}.
     * The caller keeps its own reference to {@code request}.
     */
    static void forward(UpstreamPool pool, EventLoop loop, InetSocketAddress endpoint, FullHttpRequest request,
                        Consumer<FullHttpResponse> reply) {
        forward(pool, loop, endpoint, request, 0, reply);
    }

    /**
     * As {@link #forward(UpstreamPool, EventLoop, InetSocketAddress, FullHttpRequest, Consumer)}, with Envoy's route
     * timeout: when no response has come {@code timeoutMillis} after the request, the upstream exchange is reset and
     * the client gets 504 UT (0: no timeout, Istio's default); when a streamed response's body is still coming then,
     * the exchange is reset and the client's connection closes. For a streamed request the clock starts when its
     * body has been sent, as Envoy's starts when the downstream request is complete.
     */
    static void forward(UpstreamPool pool, EventLoop loop, InetSocketAddress endpoint, FullHttpRequest request,
                        long timeoutMillis, Consumer<FullHttpResponse> replyOnce) {
        AtomicBoolean replied = new AtomicBoolean();
        AtomicReference<Channel> upstreamChannel = new AtomicReference<>();
        AtomicReference<BodyStream> responseRest = new AtomicReference<>();
        Consumer<FullHttpResponse> reply = response -> {
            if (replied.compareAndSet(false, true)) {
                if (response instanceof StreamedResponse streamed) {
                    responseRest.set(streamed.rest());
                }
                replyOnce.accept(response);
            } else {
                BodyStream.discard(response);
            }
        };
        BodyStream requestRest = request instanceof StreamedRequest streamed ? streamed.rest() : null;
        Runnable startClock = () -> loop.schedule(() -> {
            Channel upstream = upstreamChannel.get();
            if (!replied.get()) {
                reply.accept(LocalReplies.upstreamTimeout());
                if (upstream != null) {
                    upstream.close();
                }
                return;
            }
            // The clock covers the whole response, as Envoy's route and per-try timeouts do (they stop when the
            // upstream request ends: router.cc onResponseTimeout resets an upstream request whose headers came
            // too). A response whose body is still coming is cut: closing the upstream closes the client's
            // connection, which already has the head (BodyStream.sourceClosed).
            BodyStream rest = responseRest.get();
            if (rest != null && !rest.received() && upstream != null) {
                upstream.close();
            }
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        if (timeoutMillis > 0 && requestRest == null) {
            startClock.run();
        }
        boolean requestAllowsReuse = HttpUtil.isKeepAlive(request);
        ChannelFuture acquired = pool.acquire(loop, endpoint);
        request.retain();
        acquired.addListener((ChannelFuture connected) -> {
            if (!connected.isSuccess()) {
                request.release();
                LOG.log(Level.FINE, "cannot connect to " + endpoint, connected.cause());
                reply.accept(LocalReplies.upstreamFailure());
                return;
            }
            Channel upstream = connected.channel();
            upstreamChannel.set(upstream);
            if (replied.get()) {
                request.release();
                upstream.close(); // timed out while connecting
                return;
            }
            ProxyBackendHandler handler =
                    new ProxyBackendHandler(pool, endpoint, requestAllowsReuse, requestRest, reply);
            Slot slot = upstream.pipeline().get(Slot.class);
            if (slot == null) { // closed since it was pooled, and its pipeline already torn down
                request.release();
                handler.fail(upstream, new ClosedChannelException());
                return;
            }
            handler.slot = slot;
            slot.exchange = handler;
            // A pooled connection can close between acquire and write, before this handler could see it close.
            ChannelFutureListener sent = (ChannelFuture write) -> {
                if (write.isSuccess()) {
                    handler.written = true;
                } else {
                    handler.fail(upstream, write.cause());
                }
            };
            if (request instanceof StreamedRequest streamed) {
                // sent once the head is: an upstream may answer without reading the body
                upstream.write(streamed.head()).addListener(sent);
                upstream.writeAndFlush(streamed.firstPart()).addListener(sent);
                requestRest.attach(upstream, timeoutMillis > 0 ? startClock : () -> { });
            } else {
                upstream.writeAndFlush(request).addListener(sent);
            }
        });
    }

    private void channelRead(ChannelHandlerContext ctx, Object msg) {
        FullHttpResponse response = (FullHttpResponse) msg;
        if (response.decoderResult().isFailure()) {
            response.release();
            fail(ctx.channel(), response.decoderResult().cause());
            return;
        }
        finished = true;
        detach();
        Channel upstream = ctx.channel();
        boolean reusable = requestAllowsReuse && HttpUtil.isKeepAlive(response);
        if (response instanceof StreamedResponse streamed) {
            streamed.rest().whenReceived(() -> releaseOrClose(upstream, reusable));
        } else {
            releaseOrClose(upstream, reusable);
        }
        reply.accept(response);
    }

    /** A connection goes back to the pool only if both messages went through whole. */
    private void releaseOrClose(Channel upstream, boolean reusable) {
        if (reusable && (requestRest == null || requestRest.sent())) {
            pool.release(upstream, endpoint);
        } else {
            upstream.close();
        }
    }

    private void detach() {
        if (slot != null && slot.exchange == this) {
            slot.exchange = null;
        }
    }

    private void fail(Channel upstream, Throwable cause) {
        if (finished) {
            return;
        }
        finished = true;
        detach();
        upstream.close();
        LOG.log(Level.FINE, "upstream " + endpoint + " failed before a response", cause);
        // once the request went out, Envoy calls it a connection termination (UC), before that a failure (UF)
        reply.accept(written ? LocalReplies.upstreamReset() : LocalReplies.upstreamFailure());
    }
}
