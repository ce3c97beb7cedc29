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
 * Envoy's {@code stream_idle_timeout} for the requests on one client connection: while a request is open (from its
 * head until its response is written), every part of it read from the client and every part of its response
 * written to the client restarts the clock; if the clock runs out, a request whose response has not started gets
 * 408 "stream timeout" (504 if the request was complete), flag SI, and the connection closes; if the response has
 * started, the connection just closes (source/common/http/conn_manager_impl.cc {@code onIdleTimeout}). So a client
 * that sends its headers and then trickles or stops its body, or stops reading a response, cannot hold the
 * connection and its upstream for good. It sits after the HTTP codec and sees decoded requests and responses.
 *
 * <p>Activity only notes the time; one timer per connection checks it when it fires and sets itself again for the
 * rest, as Netty's {@code IdleStateHandler} does, so a busy connection schedules about one task per timeout period,
 * not one per message or per request.
 */
final class StreamIdleTimer extends ChannelDuplexHandler {

    private final long timeoutNanos;
    private ScheduledFuture<?> timer;
    private long lastActivity;
    /** Requests whose head was read and whose response is not yet written whole. */
    private int open;
    private boolean requestComplete;
    private boolean responseStarted;

    StreamIdleTimer(long timeoutMillis) {
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            open++;
            requestComplete = false;
        }
        if (msg instanceof LastHttpContent) {
            requestComplete = true;
        }
        if (msg instanceof HttpObject) {
            restart(ctx);
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
                restart(ctx);
            }
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    private void restart(ChannelHandlerContext ctx) {
        if (timeoutNanos == 0) {
            return;
        }
        lastActivity = System.nanoTime();
        // Left running when no request is open: it then lapses once, instead of a cancel and a new task per request.
        if (open > 0 && timer == null) {
            timer = ctx.executor().schedule(() -> expire(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expire(ChannelHandlerContext ctx) {
        timer = null;
        if (!ctx.channel().isActive() || open == 0) {
            return;
        }
        long idle = System.nanoTime() - lastActivity;
        if (idle < timeoutNanos) {
            timer = ctx.executor().schedule(() -> expire(ctx), timeoutNanos - idle, TimeUnit.NANOSECONDS);
            return;
        }
        if (responseStarted) {
            ctx.channel().close(); // a response cut short: the client sees the connection end, as Envoy resets
        } else {
            // from here, so the reply passes the codec but no handler after this one
            ctx.writeAndFlush(LocalReplies.streamIdleTimeout(requestComplete)).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
