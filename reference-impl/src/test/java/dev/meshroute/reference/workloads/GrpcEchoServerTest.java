package dev.meshroute.reference.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GrpcEchoServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private GrpcEchoServer pod;
    private ManagedChannel channel;

    @BeforeEach
    void start() {
        pod = new GrpcEchoServer("my-app-v2-0", "default", Map.of("app", "my-app", "version", "v2"));
        int port = pod.start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().overrideAuthority("my-app:80")
                .build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        pod.close();
    }

    private JsonNode call(String fullMethodName, Metadata md) throws Exception {
        MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(fullMethodName)
                .setRequestMarshaller(GrpcEchoServer.BYTES).setResponseMarshaller(GrpcEchoServer.BYTES).build();
        byte[] reply = ClientCalls.blockingUnaryCall(
                ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(md)), method,
                CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), "ignored".getBytes());
        return JSON.readTree(reply);
    }

    @Test
    void anyMethod_isAnsweredWithThePodsIdentity_andTheCallAsReceived() throws Exception {
        Metadata md = new Metadata();
        md.put(Metadata.Key.of("x-user", Metadata.ASCII_STRING_MARSHALLER), "jason");
        md.put(Metadata.Key.of("x-a", Metadata.ASCII_STRING_MARSHALLER), "1");
        md.put(Metadata.Key.of("x-a", Metadata.ASCII_STRING_MARSHALLER), "2");
        JsonNode echo = call(GrpcEchoServer.ECHO_METHOD, md);
        assertEquals("my-app-v2-0", echo.get("pod").asText());
        assertEquals("default", echo.get("namespace").asText());
        assertEquals("v2", echo.get("labels").get("version").asText());
        assertEquals("POST", echo.get("method").asText());
        assertEquals("/meshroute.Echo/Echo", echo.get("path").asText());
        assertEquals("my-app:80", echo.get("host").asText());
        assertEquals("jason", echo.get("headers").get("x-user").get(0).asText());
        assertEquals(2, echo.get("headers").get("x-a").size());
        assertEquals(1, pod.requestCount());
    }

    @Test
    void aPathThatIsNotServiceSlashMethod_isAnsweredToo() throws Exception {
        assertEquals("/api/v2/users", call("api/v2/users", new Metadata()).get("path").asText());
        assertEquals("/", call("", new Metadata()).get("path").asText());
    }
}
