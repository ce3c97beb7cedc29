package dev.meshroute.conformance.target.grpc;

import java.util.List;
import java.util.Map;

/**
 * One unary RPC as a proxyless gRPC client makes it: the channel it goes on ({@code xds:///<dialName>}), the full
 * method name (the RPC's {@code :path} without its leading {@code /}) and the application metadata, lower-case keys
 * in order (a key may repeat).
 */
public record Rpc(String dialName, String fullMethodName, List<Map.Entry<String, String>> metadata) {

    public Rpc {
        metadata = List.copyOf(metadata);
    }

    /** What came back: a gRPC status code name ({@code OK}, {@code UNAVAILABLE}, ...), its description, the reply. */
    public record Result(String code, String description, byte[] message) {

        public boolean ok() {
            return code.equals("OK");
        }
    }
}
