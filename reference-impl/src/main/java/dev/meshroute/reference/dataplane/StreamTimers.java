package dev.meshroute.reference.dataplane;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The two clocks Envoy's HTTP connection manager keeps on a client connection's requests, in one handler after the
 * HTTP codec:
 *
 * <ul>
 *   <li>{@code request_headers_timeout}: from a request's first byte until its headers are complete; if it runs out,
 *       the client gets 408 and the connection closes. An idle keep-alive connection is not timed by it. The first
 *       byte is seen by the codec, which calls {@link #requestBytesArrived} (the decoded head only comes out here
 *       once it is complete). A pipelined request whose first bytes came in the same read as the end of the request
 *       before it is already in the decoder when that end is decoded: the codec is asked then, and the request is
 *       timed from there.</li>
 *   <li>{@code stream_idle_timeout}: while a request is open (from its head until its response is written), every
 *       part of it read from the client and every part of its response written to the client restarts the clock;
 *       if the clock runs out, a request whose response has not started gets 408 "stream timeout" (504 if the
 *       request was complete), flag SI, and the connection closes; if the response has started, the connection just
 *       closes (source/common/http/conn_manager_impl.cc {@code onIdleTimeout}). So a client that sends its headers
 *       and then trickles or stops its body, or stops reading a response, cannot hold the connection and its
 *       upstream for good.</li>
 * </ul>
 *
 * <p>Starting, stopping and restarting a clock only notes a time; each clock has at most one scheduled task, which
 * checks the time when it fires and sets itself again for the rest, as Netty's {@code IdleStateHandler} does. A busy
 * connection so schedules about one task per timeout period, not one (and a cancellation) per request.
 */
final class StreamTimers extends ChannelDuplexHandler {

    private final long headTimeoutNanos;
    private final long idleTimeoutNanos;
    private final DownstreamCodec codec;

    /** Between requests: the next byte starts a head. Set again when a request's last content is decoded. */
    private boolean betweenRequests = true;
    /** Whether a head is being timed, and when its clock runs out ({@code System.nanoTime()}). */
    private boolean timingHead;
    private long headDeadline;
    private ScheduledFuture<?> headTask;

    private long lastActivity;
    private ScheduledFuture<?> idleTask;
    /** Requests whose head was read and whose response is not yet written whole. */
    private int open;
    private boolean requestComplete;
    private boolean responseStarted;

    StreamTimers(long headTimeoutMillis, long idleTimeoutMillis, DownstreamCodec codec) {
        this.headTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(headTimeoutMillis);
        this.idleTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(idleTimeoutMillis);
        this.codec = codec;
    }

    /** The codec read bytes from the client: between requests, they start a head and its clock. */
    void requestBytesArrived(ChannelHandlerContext ctx) {
        if (betweenRequests) {
            startHead(ctx);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            timingHead = false; // its body is not timed by the head clock (the idle clock does)
            open++;
            requestComplete = false;
        }
        if (msg instanceof LastHttpContent) {
            requestComplete = true;
            betweenRequests = true;
            if (codec.hasUndecodedBytes()) {
                startHead(ctx); // the next request began in the same read as this one's end
            }
        }
        if (msg instanceof HttpObject) {
            restartIdle(ctx);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean informational = msg instanceof HttpResponse response
                && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
        if (!informational) {
            if (msg instanceof HttpResponse) {
                responseStarted = true;
            }
            if (msg instanceof LastHttpContent && open > 0) {
                open--;
                responseStarted = false;
            }
            if (msg instanceof HttpObject || msg instanceof HttpContent) {
                restartIdle(ctx);
            }
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel(headTask);
        cancel(idleTask);
        headTask = null;
        idleTask = null;
        ctx.fireChannelInactive();
    }

    // ---- request_headers_timeout

    private void startHead(ChannelHandlerContext ctx) {
        betweenRequests = false;
        if (headTimeoutNanos == 0) {
            return;
        }
        timingHead = true;
        headDeadline = System.nanoTime() + headTimeoutNanos;
        if (headTask == null) {
            headTask = ctx.executor().schedule(() -> headClockFired(ctx), headTimeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void headClockFired(ChannelHandlerContext ctx) {
        headTask = null;
        if (!timingHead || !ctx.channel().isActive()) {
            return; // the head came in time; the clock lapses until the next request's first byte
        }
        long left = headDeadline - System.nanoTime();
        if (left <= 0 && !ctx.channel().config().isAutoRead()) {
            // The proxy paused reading (pipelined requests wait their turn): the client is not the one holding
            // the head back, so its clock starts again.
            headDeadline = System.nanoTime() + headTimeoutNanos;
            left = headTimeoutNanos;
        }
        if (left > 0) {
            headTask = ctx.executor().schedule(() -> headClockFired(ctx), left, TimeUnit.NANOSECONDS);
            return;
        }
        // through the whole pipeline, so the HTTP encoder writes it
        ctx.channel().writeAndFlush(LocalReplies.requestHeaderTimeout()).addListener(ChannelFutureListener.CLOSE);
    }

    // ---- stream_idle_timeout

    private void restartIdle(ChannelHandlerContext ctx) {
        if (idleTimeoutNanos == 0) {
            return;
        }
        lastActivity = System.nanoTime();
        // Left running when no request is open: it then lapses once, instead of a cancel and a new task per request.
        if (open > 0 && idleTask == null) {
            idleTask = ctx.executor().schedule(() -> idleClockFired(ctx), idleTimeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void idleClockFired(ChannelHandlerContext ctx) {
        idleTask = null;
        if (!ctx.channel().isActive() || open == 0) {
            return;
        }
        long idle = System.nanoTime() - lastActivity;
        if (idle < idleTimeoutNanos) {
            idleTask = ctx.executor().schedule(() -> idleClockFired(ctx), idleTimeoutNanos - idle,
                    TimeUnit.NANOSECONDS);
            return;
        }
        if (responseStarted) {
            ctx.channel().close(); // a response cut short: the client sees the connection end, as Envoy resets
        } else {
            // from here, so the reply passes the codec but no handler after this one
            ctx.writeAndFlush(LocalReplies.streamIdleTimeout(requestComplete)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static void cancel(ScheduledFuture<?> task) {
        if (task != null) {
            task.cancel(false);
        }
    }
}
