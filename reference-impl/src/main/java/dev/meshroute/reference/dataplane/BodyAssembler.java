package dev.meshroute.reference.dataplane;

import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * What {@link RequestAssembler} and {@link ResponseAssembler} share: the head and buffered body of the message being
 * joined, the {@link BodyStream} of one being streamed, and how chunks of a streamed body, a closing connection and
 * a removed handler are dealt with. Each subclass decides, in {@link #decode}, when a message is whole or must be
 * streamed.
 *
 * @param <H> the head: a request or a response
 */
abstract class BodyAssembler<H extends HttpMessage> extends MessageToMessageDecoder<HttpObject> {

    /** The head of the message being joined, and its body so far; null between messages. */
    protected H head;
    protected CompositeByteBuf body;
    /** The body being streamed, from the buffer limit to its last chunk; null otherwise. */
    protected BodyStream streaming;

    protected BodyAssembler() {
        super(HttpObject.class);
    }

    /**
     * Chunks of a streamed body bypass {@link #decode}: Netty's decoder asks for another read whenever a read
     * produced no message while auto-read is off, which would defeat the pause that flow control relies on.
     */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (streaming != null && msg instanceof HttpContent content && !(msg instanceof HttpMessage)
                && content.decoderResult().isSuccess()) {
            streaming.push(content);
            if (content instanceof LastHttpContent) {
                streaming = null;
            }
            return;
        }
        super.channelRead(ctx, msg);
    }

    /** The connection closed: a body being streamed will not be whole. */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        abandonStream();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        discardPartial();
    }

    /** The body being streamed, if any, will not be whole: its other side is told (its connection closes). */
    protected void abandonStream() {
        if (streaming != null) {
            streaming.sourceClosed();
            streaming = null;
        }
    }

    /** Starts joining a new message, dropping any partial one. */
    protected void begin(ChannelHandlerContext ctx, H message) {
        discardPartial();
        head = message;
        body = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
    }

    /** The head and body were handed on in a message: this assembler no longer holds them. */
    protected void handedOn() {
        head = null;
        body = null;
    }

    /** Releases a partial message. */
    protected void discardPartial() {
        if (body != null) {
            body.release();
        }
        handedOn();
    }
}
