package dev.meshroute.reference.workloads;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.HandlerRegistry;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test workload standing in for one pod of a gRPC service: a gRPC server on loopback that answers every unary
 * RPC, whatever its method, with a JSON description of the pod and of the call as it arrived, the same facts the
 * HTTP {@link EchoServer} reports.
 *
 * <p>The JSON object has the fields {@code pod}, {@code namespace}, {@code labels}, {@code method} (always
 * {@code POST}: gRPC's HTTP method), {@code path} (the RPC's {@code :path}, {@code "/" + full method name}),
 * {@code host} (the call's {@code :authority}) and {@code headers} (metadata key to its values in arrival order;
 * binary {@code -bin} values base64). No generated code: the server looks every method up in a fallback registry
 * whose messages are raw bytes, so {@code /meshroute.Echo/Echo} and any other path are answered alike; the request
 * message is read and ignored.
 */
public final class GrpcEchoServer implements PodServer {

    /** The method a client calls when it has no path of its own to send. */
    public static final String ECHO_METHOD = "meshroute.Echo/Echo";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Raw bytes in and out, so that no protoc-generated class is needed on either side. */
    public static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private final String podName;
    private final String namespace;
    private final Map<String, String> labels;
    private final AtomicLong requests = new AtomicLong();
    private volatile Server server;

    public GrpcEchoServer(String podName, String namespace, Map<String, String> labels) {
        this.podName = podName;
        this.namespace = namespace;
        this.labels = Collections.unmodifiableMap(new TreeMap<>(labels));
    }

    /**
     * Binds an ephemeral port on 127.0.0.1 and starts serving.
     *
     * @return the bound port
     */
    public synchronized int start() {
        if (server != null) {
            throw new IllegalStateException("grpc echo server " + podName + " already started");
        }
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .fallbackHandlerRegistry(new AnyMethod())
                    .build()
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("grpc echo server " + podName + " cannot bind a port", e);
        }
        return server.getPort();
    }

    public InetSocketAddress address() {
        Server s = server;
        if (s == null) {
            throw new IllegalStateException("grpc echo server " + podName + " not started");
        }
        return new InetSocketAddress("127.0.0.1", s.getPort());
    }

    public String podName() {
        return podName;
    }

    public Map<String, String> labels() {
        return labels;
    }

    /** How many RPCs this pod has answered. */
    public long requestCount() {
        return requests.get();
    }

    @Override
    public synchronized void close() {
        Server s = server;
        if (s != null) {
            s.shutdownNow();
            try {
                s.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The JSON answer to a call of {@code fullMethodName} with {@code headers}, received at {@code authority}. */
    byte[] describe(String fullMethodName, String authority, Metadata headers) {
        Map<String, List<String>> md = new LinkedHashMap<>();
        for (String key : headers.keys()) {
            List<String> values = new ArrayList<>();
            if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                Iterable<byte[]> all = headers.getAll(Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER));
                if (all != null) {
                    all.forEach(v -> values.add(Base64.getEncoder().encodeToString(v)));
                }
            } else {
                Iterable<String> all = headers.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
                if (all != null) {
                    all.forEach(values::add);
                }
            }
            md.put(key, values);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("pod", podName);
        body.put("namespace", namespace);
        body.put("labels", labels);
        body.put("method", "POST");
        body.put("path", "/" + fullMethodName);
        body.put("host", authority);
        body.put("headers", md);
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Serves every method name as a unary call of raw bytes. */
    private final class AnyMethod extends HandlerRegistry {
        @Override
        public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
            MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(methodName)
                    .setRequestMarshaller(BYTES)
                    .setResponseMarshaller(BYTES)
                    .build();
            return ServerMethodDefinition.create(method, new Echo());
        }
    }

    private final class Echo implements ServerCallHandler<byte[], byte[]> {
        @Override
        public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], byte[]> call, Metadata headers) {
            call.request(1);
            return new ServerCall.Listener<>() {
                @Override
                public void onHalfClose() {
                    byte[] answer = describe(call.getMethodDescriptor().getFullMethodName(), call.getAuthority(),
                            headers);
                    requests.incrementAndGet();
                    call.sendHeaders(new Metadata());
                    call.sendMessage(answer);
                    call.close(Status.OK, new Metadata());
                }
            };
        }
    }
}
