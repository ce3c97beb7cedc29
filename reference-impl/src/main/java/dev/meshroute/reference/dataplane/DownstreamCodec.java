package dev.meshroute.reference.dataplane;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.function.Consumer;

/**
 * The client connection's HTTP/1.1 codec: Netty's request decoder and response encoder, like Netty's
 * {@code HttpServerCodec} (a response to HEAD has no body, whatever its framing headers say), and one thing more:
 * it reports each read of client bytes before decoding it, and tells whether bytes of a next request are waiting in
 * the decoder: {@link StreamTimers} starts a request's head clock at its first byte, and needs the second for a
 * pipelined request that arrives in the same read as the end of the one before it.
 */
final class DownstreamCodec extends CombinedChannelDuplexHandler<DownstreamCodec.Decoder, DownstreamCodec.Encoder> {

    /** The methods of requests decoded and not yet answered, oldest first. */
    private final Queue<HttpMethod> methods = new ArrayDeque<>();

    DownstreamCodec(HttpDecoderConfig config) {
        init(new Decoder(config, methods), new Encoder(methods));
    }

    /** {@code listener} hears of every read of client bytes, before they are decoded. */
    void onBytesRead(Consumer<ChannelHandlerContext> listener) {
        inboundHandler().bytesRead = listener;
    }

    /** Whether bytes are read but not yet decoded (the start of a request). */
    boolean hasUndecodedBytes() {
        return inboundHandler().undecodedBytes() > 0;
    }

    static final class Decoder extends HttpRequestDecoder {
        private final Queue<HttpMethod> methods;
        private Consumer<ChannelHandlerContext> bytesRead = ctx -> { };

        Decoder(HttpDecoderConfig config, Queue<HttpMethod> methods) {
            super(config);
            this.methods = methods;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof ByteBuf buf && buf.isReadable()) {
                bytesRead.accept(ctx);
            }
            super.channelRead(ctx, msg);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
            int before = out.size();
            super.decode(ctx, buffer, out);
            for (int i = before; i < out.size(); i++) {
                if (out.get(i) instanceof HttpRequest request) {
                    methods.add(request.method());
                }
            }
        }

        /**
         * Refuses a version that does not start with {@code HTTP/} in capitals, as Envoy's parser does (400,
         * HPE_INVALID_VERSION: envoyproxy/envoy source/common/http/http1/balsa_parser.cc {@code isVersionValid}, a
         * case-sensitive {@code absl::StartsWith}); Netty's own parser upper-cases the version first, so it would
         * serve {@code http/1.1}. The failure is the decoder's, answered as its other malformed heads are.
         */
        @Override
        protected HttpMessage createMessage(String[] initialLine) throws Exception {
            if (!initialLine[2].startsWith("HTTP/")) {
                throw new IllegalArgumentException("invalid version: " + initialLine[2]);
            }
            return super.createMessage(initialLine);
        }

        int undecodedBytes() {
            return actualReadableBytes();
        }
    }

    static final class Encoder extends HttpResponseEncoder {
        private final Queue<HttpMethod> methods;

        Encoder(Queue<HttpMethod> methods) {
            this.methods = methods;
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse response) {
            if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                return super.isContentAlwaysEmpty(response); // 100 Continue answers no request yet
            }
            return HttpMethod.HEAD.equals(methods.poll()) || super.isContentAlwaysEmpty(response);
        }
    }
}
