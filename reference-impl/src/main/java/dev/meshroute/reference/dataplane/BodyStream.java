package dev.meshroute.reference.dataplane;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The rest of a body too large to buffer: its chunks go from the connection they are read on (the source) to the
 * connection they are written to (the sink) as they arrive, and the source is not read while the sink cannot take
 * more, so the proxy holds at most about one socket read and one write buffer of it. This is Envoy's watermark flow
 * control (docs/root/faq/configuration/flow_control.rst): a connection whose peer reads slowly stops the reading of
 * the connection that feeds it.
 *
 * <p>Until a sink is attached (the upstream connection is still being set up, or the response is not relayed yet)
 * chunks wait here and the source is paused. Both connections are on one event loop, so there is no locking.
 */
final class BodyStream {

    private final Channel source;
    private final boolean upstreamSource;
    private final Deque<HttpContent> waiting = new ArrayDeque<>();
    private Channel sink;
    private Runnable whenSent;
    private Runnable whenReceived;
    private Runnable whenEnded;
    private boolean ended;
    private boolean received;
    private boolean sent;
    private boolean dropped;
    private boolean sourceClosed;
    private boolean paused;

    private BodyStream(Channel source, boolean upstreamSource) {
        this.source = source;
        this.upstreamSource = upstreamSource;
    }

    /** A request body read from the client, to be written upstream. */
    static BodyStream fromDownstream(Channel client) {
        return new BodyStream(client, false);
    }

    /**
     * A response body read from a pooled upstream connection, to be written to the client; if the client goes away,
     * the upstream connection is closed, as it cannot be reused in the middle of a body.
     */
    static BodyStream fromUpstream(Channel upstream) {
        return new BodyStream(upstream, true);
    }

    /** Releases a response nobody will relay, closing its upstream connection if its body is still coming. */
    static void discard(io.netty.handler.codec.http.FullHttpResponse response) {
        if (response instanceof StreamedResponse streamed) {
            streamed.rest().drop();
        }
        response.release();
    }

    /** Whether the last chunk has come from the source. */
    boolean received() {
        return received;
    }

    /** Whether the last chunk has been written to the sink. */
    boolean sent() {
        return sent;
    }

    /** Runs {@code action} once the last chunk has come from the source (now if it has). */
    void whenReceived(Runnable action) {
        if (received) {
            action.run();
        } else {
            whenReceived = action;
        }
    }

    /**
     * Runs {@code action} once the source is done with this body, whole or not: its last chunk came, or its
     * connection closed first (now if either happened). One action per stream.
     */
    void whenEnded(Runnable action) {
        if (ended) {
            action.run();
        } else {
            whenEnded = action;
        }
    }

    private void end() {
        if (ended) {
            return;
        }
        ended = true;
        Runnable action = whenEnded;
        whenEnded = null;
        if (action != null) {
            action.run();
        }
    }

    /** A chunk read from the source; this stream takes over the caller's reference. */
    void push(HttpContent chunk) {
        boolean last = chunk instanceof LastHttpContent;
        if (dropped) {
            chunk.release();
        } else if (sink == null) {
            waiting.add(chunk);
            pause();
        } else {
            write(chunk);
        }
        if (last) {
            received = true;
            if (upstreamSource) {
                source.config().setAutoRead(true); // the connection may go back to the pool
            }
            Runnable action = whenReceived;
            whenReceived = null;
            if (action != null) {
                action.run();
            }
            end();
        }
    }

    /**
     * Starts writing to {@code sink}: the chunks that waited, then every later one. {@code whenSent} runs once the
     * last chunk is written.
     */
    void attach(Channel sink, Runnable whenSent) {
        this.sink = sink;
        this.whenSent = whenSent;
        for (HttpContent chunk = waiting.poll(); chunk != null && !dropped; chunk = waiting.poll()) {
            write(chunk);
        }
        if (sourceClosed) {
            sink.close(); // the source went away in the middle: the other side cannot get a whole body either
        } else if (sink.isWritable()) {
            resume();
        }
    }

    /** The source connection closed: a sink that is still owed chunks is closed too. */
    void sourceClosed() {
        if (received) {
            return;
        }
        sourceClosed = true;
        if (sink != null) {
            sink.close();
        }
        end();
    }

    /** Drops what waits and everything still to come (the exchange ended without it). */
    void drop() {
        if (dropped) {
            return;
        }
        dropped = true;
        waiting.forEach(ReferenceCountUtil::release);
        waiting.clear();
        if (upstreamSource && !received) {
            source.close();
        }
    }

    private void write(HttpContent chunk) {
        boolean last = chunk instanceof LastHttpContent;
        ChannelFuture written = sink.writeAndFlush(chunk);
        written.addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                drop();
            } else if (last) {
                sent = true;
                Runnable action = whenSent;
                whenSent = null;
                if (action != null) {
                    action.run();
                }
            } else if (sink.isWritable()) {
                resume(); // everything written before this chunk has left too
            }
        });
        if (!last && !sink.isWritable()) {
            pause();
        }
    }

    private void pause() {
        if (!paused && !received) {
            paused = true;
            source.config().setAutoRead(false);
        }
    }

    private void resume() {
        if (paused && !received) {
            paused = false;
            source.config().setAutoRead(true);
        }
    }
}
