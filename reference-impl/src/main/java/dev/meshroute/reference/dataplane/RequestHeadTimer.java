package dev.meshroute.reference.dataplane;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Envoy's {@code request_headers_timeout}: the clock starts at a request's first byte and stops when its headers
 * are complete; if it runs out, the client gets 408 and the connection closes. An idle keep-alive connection is not
 * timed by it. Two handlers share one timer: {@link #bytes()} sits before the HTTP decoder and sees the first
 * byte, {@link #heads()} after it and sees the decoded head. A pipelined request whose first bytes came in the
 * same read as the end of the request before it is already in the decoder when that end is decoded; {@link #heads()}
 * asks the codec then, and times it from there.
 */
final class RequestHeadTimer {

    private final long timeoutMillis;
    private final DownstreamCodec codec;
    private ScheduledFuture<?> timer;
    /** Between requests: the next byte starts a head. Set again when a request's last content is decoded. */
    private boolean idle = true;

    RequestHeadTimer(long timeoutMillis, DownstreamCodec codec) {
        this.timeoutMillis = timeoutMillis;
        this.codec = codec;
    }

    ChannelInboundHandlerAdapter bytes() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (idle && msg instanceof ByteBuf buf && buf.isReadable()) {
                    start(ctx);
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                stop();
                ctx.fireChannelInactive();
            }
        };
    }

    ChannelInboundHandlerAdapter heads() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpRequest) {
                    stop(); // its body is not timed here (Envoy's stream_idle_timeout would)
                }
                if (msg instanceof LastHttpContent) {
                    idle = true;
                    if (codec.hasUndecodedBytes()) {
                        start(ctx); // the next request began in the same read as this one's end
                    }
                }
                ctx.fireChannelRead(msg);
            }
        };
    }

    private void start(ChannelHandlerContext ctx) {
        idle = false;
        if (timeoutMillis > 0) {
            timer = ctx.executor().schedule(() -> expire(ctx), timeoutMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void stop() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expire(ChannelHandlerContext ctx) {
        timer = null;
        if (ctx.channel().isActive() && !ctx.channel().config().isAutoRead()) {
            // The proxy paused reading (pipelined requests wait their turn): the client is not the one holding
            // the head back, so its clock starts again.
            start(ctx);
            return;
        }
        if (ctx.channel().isActive()) {
            // through the whole pipeline, so the HTTP encoder writes it
            ctx.channel().writeAndFlush(LocalReplies.requestHeaderTimeout()).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
