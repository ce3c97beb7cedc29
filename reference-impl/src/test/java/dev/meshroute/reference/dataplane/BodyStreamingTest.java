package dev.meshroute.reference.dataplane;

import com.google.protobuf.UInt32Value;
import dev.meshroute.reference.mutants.Mutant;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #10's streaming over real sockets: bodies larger than the proxy's buffer limit (1 MiB, Envoy's
 * {@code per_connection_buffer_limit_bytes}) go through whole and are never held whole, a slow side stops the other
 * (flow control), retries and mirrors work for a buffered body and are given up for a streamed one (Envoy's router,
 * {@code retry_or_shadow_abandoned}), and a request that goes silent meets Envoy's {@code stream_idle_timeout}.
 *
 * <p>A "stall" is observed, not timed: the test waits until a writer has made no progress for a while and then
 * checks how far it got; a proxy that buffered whole bodies lets the writer finish, and the check fails.
 */
@Timeout(60)
class BodyStreamingTest {

    private static final int MIB = 1024 * 1024;
    /** The body the flow control tests push: far over what sockets and the proxy's limit can hold together. */
    private static final int BIG = 64 * MIB;
    /**
     * What may be in flight when a writer stalls: kernel socket buffers on the proxy's two connections (Linux grows
     * them by itself, to a few MiB on loopback) plus the proxy's buffer limit and write buffers. Writers stalled
     * after about 5 MiB when this was written; a proxy that holds whole bodies lets them write all 64.
     */
    private static final long STALL_BOUND = 16L * MIB;
    private static final int SMALL_SOCKET_BUFFER = 64 * 1024;

    private final List<AutoCloseable> resources = new CopyOnWriteArrayList<>();
    /** Upstream handlers that hold a connection without answering wait for this. */
    private final CountDownLatch testEnded = new CountDownLatch(1);
    private ProxyServer proxy;

    @AfterEach
    void stop() throws Exception {
        testEnded.countDown();
        if (proxy != null) {
            proxy.close();
        }
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    /** The socket transport the proxy runs on; {@link TransportTest} runs these tests again on the others. */
    Transport transport() {
        return Transport.CURRENT;
    }

    private int start(Router router, RequestLimits limits) {
        proxy = new ProxyServer(new InetSocketAddress("127.0.0.1", 0), () -> router, limits, transport());
        return proxy.start();
    }

    private static Router to(Upstream upstream) {
        return request -> new RouteDecision.Forward("r", "c", upstream.address(), null);
    }

    // ---- request bodies

    @Test
    void aBodyOfSixtyFourMib_arrivesWholeUpstream() throws Exception {
        Upstream upstream = upstream(Upstream::answerWithChecksum);
        int port = start(to(upstream), RequestLimits.DEFAULTS);
        try (Socket client = client(port)) {
            long sent = writeInBackground(client, post("/up", BIG), BIG, new AtomicLong());
            Reply reply = Reply.read(client.getInputStream());
            assertEquals(200, reply.status(), reply.toString());
            assertEquals(BIG + ":" + sent, reply.text(), "length and CRC32 of what the upstream received");
        }
    }

    @Test
    void anUpstreamThatDoesNotRead_stallsTheClientAfterAFewMib_thenTheBodyGoesThroughWhole() throws Exception {
        CountDownLatch read = new CountDownLatch(1);
        Upstream upstream = upstream(socket -> {
            await(read);
            Upstream.answerWithChecksum(socket);
        });
        int port = start(to(upstream), RequestLimits.DEFAULTS);
        try (Socket client = client(port)) {
            AtomicLong written = new AtomicLong();
            long[] crc = new long[1];
            Thread writer = daemon(() -> {
                try {
                    crc[0] = write(client.getOutputStream(), post("/up", BIG), BIG, written);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            long stalledAt = awaitStall(written::get, BIG);
            assertTrue(stalledAt < STALL_BOUND, "the client could write " + stalledAt + " bytes to an upstream that"
                    + " reads nothing: the proxy held the body instead of pushing back");

            read.countDown();
            Reply reply = Reply.read(client.getInputStream());
            writer.join();
            assertEquals(200, reply.status(), reply.toString());
            assertEquals(BIG + ":" + crc[0], reply.text());
        }
    }

    @Test
    void chunkedBodiesOverTheLimit_streamBothWays_andTheConnectionsAreReusedAfter() throws Exception {
        int size = 3 * MIB;
        Upstream upstream = upstream(socket -> {
            String received = Upstream.readRequest(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nx-received: " + received + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            writeChunked(out, size);
        });
        int port = start(to(upstream), RequestLimits.DEFAULTS);
        try (Socket client = client(port)) {
            for (int i = 1; i <= 2; i++) { // the second exchange reuses both connections
                OutputStream out = client.getOutputStream();
                byte[] head = ("POST /chunked HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
                daemon(() -> {
                    try {
                        out.write(head);
                        writeChunked(out, size);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                InputStream in = client.getInputStream();
                Map<String, String> headers = Reply.readHead(in);
                assertEquals(size + ":" + crc(size), headers.get("x-received"), "what the upstream received");
                assertEquals("chunked", headers.get("transfer-encoding"), headers.toString());
                assertEquals(size + ":" + crc(size), Upstream.readChunked(in), "what the client received");
            }
        }
        awaitCount(upstream, 2);
        assertEquals(1, upstream.connections(), "the upstream connection went back to the pool both times");
    }

    @Test
    void anAnswerBeforeAStreamedBodyHasAllCome_isRelayed_andTheConnectionCloses() throws Exception {
        Upstream upstream = upstream(socket -> {
            Upstream.readHead(socket.getInputStream());
            socket.getOutputStream().write("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 4\r\n\r\nbig!"
                    .getBytes(StandardCharsets.US_ASCII));
            // and reads no more of it (closing now would reset the connection, and the answer might be lost)
            await(testEnded);
        });
        int port = start(to(upstream), RequestLimits.DEFAULTS);
        try (Socket client = client(port)) {
            writeInBackground(client, post("/early", 8 * MIB), 8 * MIB, new AtomicLong());
            Reply reply = Reply.read(client.getInputStream());
            assertEquals(413, reply.status(), reply.toString());
            assertEquals("big!", reply.text());
            assertEquals("close", reply.headers().get("connection"), "the rest of the body cannot be skipped");
            assertTrue(closed(client), "the proxy closed the connection after the answer");
        }
    }

    // ---- response bodies

    @Test
    void aClientThatDoesNotRead_stallsTheUpstreamAfterAFewMib_thenTheResponseArrivesWhole() throws Exception {
        AtomicLong written = new AtomicLong();
        long[] crc = new long[1];
        Upstream upstream = upstream(socket -> {
            Upstream.readRequest(socket.getInputStream());
            byte[] head = ("HTTP/1.1 200 OK\r\nContent-Length: " + BIG + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            crc[0] = write(socket.getOutputStream(), head, BIG, written);
        });
        int port = start(to(upstream), RequestLimits.DEFAULTS);
        try (Socket client = client(port)) {
            client.getOutputStream().write("GET /down HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = client.getInputStream();
            Map<String, String> headers = Reply.readHead(in);
            assertEquals(String.valueOf(BIG), headers.get("content-length"), headers.toString());

            long stalledAt = awaitStall(written::get, BIG);
            assertTrue(stalledAt < STALL_BOUND, "the upstream could write " + stalledAt + " bytes to a client that"
                    + " reads nothing: the proxy held the response instead of pushing back");

            CRC32 received = new CRC32();
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n; total < BIG && (n = in.read(buffer, 0, (int) Math.min(buffer.length, BIG - total))) > 0; ) {
                received.update(buffer, 0, n);
                total += n;
            }
            assertEquals(BIG, total);
            assertEquals(crc[0], received.getValue(), "the response body arrived intact");
        }
    }

    // ---- route timeout

    /**
     * Envoy's route timeout (and per-try timeout) runs until the upstream response is complete, not only until its
     * head: a streamed response whose body is still coming when it runs out is reset, and the client, which already
     * has the head, sees its connection close (router.cc {@code onResponseTimeout}; the timers are disabled only
     * when the upstream request ends). A body that completes in time is not touched.
     */
    @Test
    void aStreamedResponseBodyStillComingWhenTheRouteTimeoutRunsOut_isCutAndTheConnectionCloses() throws Exception {
        int size = 3 * MIB; // over the buffer limit: streamed
        AtomicInteger exchanges = new AtomicInteger();
        Upstream upstream = upstream(socket -> {
            Upstream.readRequest(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            if (exchanges.incrementAndGet() == 1) {
                out.write(new byte[2 * MIB]);
                out.flush();
                await(testEnded); // and the rest never comes
            } else {
                out.write(new byte[size]);
            }
        });
        RouteDecision.Forward forward = new RouteDecision.Forward("r", "c", upstream.address(), null, null, null, 2000,
                0, HeaderMutation.NONE, HeaderMutation.NONE);
        int port = start(request -> forward, RequestLimits.DEFAULTS);
        byte[] get = "GET /down HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

        try (Socket client = client(port)) {
            client.getOutputStream().write(get);
            InputStream in = client.getInputStream();
            assertEquals(String.valueOf(size), Reply.readHead(in).get("content-length"));
            long got = in.readAllBytes().length; // until the proxy closes the connection
            assertTrue(got >= MIB && got < size, "the body was cut after " + got + " bytes");
        }
        try (Socket client = client(port)) { // a body that comes in time goes through whole
            client.getOutputStream().write(get);
            InputStream in = client.getInputStream();
            assertEquals(String.valueOf(size), Reply.readHead(in).get("content-length"));
            assertEquals(size, in.readNBytes(size).length);
        }
    }

    // ---- circuit breakers

    /**
     * Envoy counts a request against {@code max_requests} until its response is complete (the upstream request
     * stays active while its body streams), so with {@code max_requests: 1} a second request overflows (503 UO)
     * while the first response's body is still coming, and goes through once it has all come, or once the upstream
     * connection died in the middle of it.
     */
    @Test
    void aStreamedResponse_holdsItsCircuitBreakerSlotUntilItsBodyEnds() throws Exception {
        int size = 3 * MIB; // over the buffer limit: streamed
        CountDownLatch finish = new CountDownLatch(1);
        AtomicInteger exchanges = new AtomicInteger();
        Upstream upstream = upstream(socket -> {
            Upstream.readRequest(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            int n = exchanges.incrementAndGet();
            if (n <= 2) { // the first body stalls half-way, the second dies half-way (the overflow never gets here)
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(new byte[2 * MIB]);
                out.flush();
                if (n == 2) {
                    socket.close();
                    return;
                }
                await(finish);
                out.write(new byte[size - 2 * MIB]);
            } else {
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
            }
        });
        Cluster config = Cluster.newBuilder().setName("c").setCircuitBreakers(CircuitBreakers.newBuilder()
                .addThresholds(CircuitBreakers.Thresholds.newBuilder().setMaxRequests(UInt32Value.of(1)))).build();
        UpstreamCluster cluster = new UpstreamCluster(config, System::nanoTime, Mutant.NONE);
        RouteDecision.Forward forward = new RouteDecision.Forward("r", "c", upstream.address(), null, null, null, 0, 0,
                HeaderMutation.NONE, HeaderMutation.NONE, cluster, 1);
        int port = start(request -> forward, RequestLimits.DEFAULTS);
        byte[] get = "GET /down HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

        try (Socket first = client(port)) {
            first.getOutputStream().write(get);
            InputStream in = first.getInputStream();
            assertEquals(String.valueOf(size), Reply.readHead(in).get("content-length"));
            in.readNBytes(MIB); // the body is under way, and stalls at 2 MiB

            try (Socket second = client(port)) {
                second.getOutputStream().write(get);
                Reply reply = Reply.read(second.getInputStream());
                assertEquals(503, reply.status(), "the first response still holds the only slot: " + reply);
                assertEquals("UO", reply.headers().get("x-response-flags"));
            }

            finish.countDown();
            assertEquals(size - MIB, in.readNBytes(size - MIB).length, "the first body arrived whole");
        }
        try (Socket client = client(port)) { // the next one's body dies half-way
            client.getOutputStream().write(get);
            InputStream in = client.getInputStream();
            assertEquals(String.valueOf(size), Reply.readHead(in).get("content-length"));
            assertTrue(in.readAllBytes().length < size, "the body was cut short");
        }
        try (Socket client = client(port)) {
            client.getOutputStream().write(get);
            Reply reply = Reply.read(client.getInputStream());
            assertEquals(200, reply.status(), "the slot came back when the cut body ended: " + reply);
            assertEquals("ok", reply.text());
        }
    }

    // ---- retries and mirrors

    @Test
    void aBufferedBodyIsRetriedAndMirrored_aStreamedOneIsSentOnceAndNotMirrored() throws Exception {
        Upstream failing = upstream(socket -> {
            Upstream.readRequest(socket.getInputStream());
            socket.getOutputStream().write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
        });
        Upstream healthy = upstream(Upstream::answerWithChecksum);
        Upstream mirror = upstream(Upstream::answerWithChecksum);
        RetryRule retry = new RetryRule(1, Set.of("5xx"), Set.of(), 0, false, 5, 1);
        RouteDecision.Forward forward = new RouteDecision.Forward("r", "c", failing.address(), null, null, null, 0, 0,
                HeaderMutation.NONE, HeaderMutation.NONE, null, 0,
                new RouteDecision.Attempts(retry, false, List.of(mirror.address())));
        Router router = new Router() {
            @Override
            public RouteDecision route(HttpRequestHead request) {
                return forward;
            }

            @Override
            public RouteTable.Endpoint retryEndpoint(String cluster, RetryRule rule, Set<InetSocketAddress> tried) {
                return new RouteTable.Endpoint(healthy.address(), null);
            }
        };
        int port = start(router, RequestLimits.DEFAULTS);

        int small = 512 * 1024; // under the 1 MiB buffer limit
        try (Socket client = client(port)) {
            long sent = writeInBackground(client, post("/small", small), small, new AtomicLong());
            Reply reply = Reply.read(client.getInputStream());
            assertEquals(200, reply.status(), "retried on the healthy upstream: " + reply);
            assertEquals(small + ":" + sent, reply.text(), "the retry carried the whole body");
        }
        awaitCount(failing, 1);
        awaitCount(healthy, 1);
        awaitCount(mirror, 1);

        int large = 3 * MIB; // over it: streamed
        try (Socket client = client(port)) {
            writeInBackground(client, post("/large", large), large, new AtomicLong());
            Reply reply = Reply.read(client.getInputStream());
            assertEquals(503, reply.status(), "not retried, as Envoy gives retries up past its buffer: " + reply);
        }
        awaitCount(failing, 2);
        assertEquals(1, healthy.requests(), "no retry of the streamed request");
        assertEquals(1, mirror.requests(), "no mirror of the streamed request");
    }

    // ---- stream idle timeout

    @Test
    void aClientThatStallsMidBody_gets408StreamTimeout_andIsClosed() throws Exception {
        Upstream upstream = upstream(Upstream::answerWithChecksum);
        int port = start(to(upstream), RequestLimits.DEFAULTS.withStreamIdleTimeout(Duration.ofMillis(300)));
        try (Socket client = client(port)) {
            client.getOutputStream().write(post("/stall", 1000));
            client.getOutputStream().write(new byte[10]); // and then nothing
            Reply reply = Reply.read(client.getInputStream());
            assertEquals(408, reply.status(), reply.toString());
            assertEquals("SI", reply.headers().get("x-response-flags"));
            assertEquals("stream timeout", reply.text());
            assertEquals(-1, client.getInputStream().read(), "closed after the 408");
        }
    }

    @Test
    void aClientThatStallsMidStreamedBody_gets408_andTheUpstreamConnectionCloses() throws Exception {
        CountDownLatch upstreamSawEnd = new CountDownLatch(1);
        Upstream upstream = upstream(socket -> {
            InputStream in = socket.getInputStream();
            Upstream.readHead(in);
            while (in.read(new byte[8192]) >= 0) {
                // drain until the proxy gives up on the request
            }
            upstreamSawEnd.countDown();
        });
        int port = start(to(upstream), RequestLimits.DEFAULTS.withStreamIdleTimeout(Duration.ofMillis(300)));
        try (Socket client = client(port)) {
            client.getOutputStream().write(post("/stall", 4 * MIB));
            client.getOutputStream().write(new byte[2 * MIB]); // past the buffer limit, so already streaming
            Reply reply = Reply.read(client.getInputStream());
            assertEquals(408, reply.status(), reply.toString());
            assertEquals("SI", reply.headers().get("x-response-flags"));
            assertEquals(-1, client.getInputStream().read(), "closed after the 408");
        }
        assertTrue(upstreamSawEnd.await(10, TimeUnit.SECONDS), "the half-sent upstream request was reset");
    }

    @Test
    void aCompleteRequestWhoseUpstreamStaysSilent_gets504StreamTimeout() throws Exception {
        Upstream upstream = upstream(socket -> {
            Upstream.readRequest(socket.getInputStream());
            await(testEnded); // never answers
        });
        int port = start(to(upstream), RequestLimits.DEFAULTS.withStreamIdleTimeout(Duration.ofMillis(300)));
        try (Socket client = client(port)) {
            client.getOutputStream().write("GET /silent HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Reply reply = Reply.read(client.getInputStream());
            assertEquals(504, reply.status(), reply.toString());
            assertEquals("SI", reply.headers().get("x-response-flags"));
            assertEquals(-1, client.getInputStream().read());
        }
    }

    // ---- helpers

    private Upstream upstream(Upstream.Handler handler) throws IOException {
        Upstream upstream = new Upstream(handler);
        resources.add(upstream);
        return upstream;
    }

    private Socket client(int port) throws IOException {
        Socket socket = new Socket();
        socket.setSendBufferSize(SMALL_SOCKET_BUFFER);
        socket.setReceiveBufferSize(SMALL_SOCKET_BUFFER);
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        socket.setSoTimeout(30_000);
        resources.add(socket);
        return socket;
    }

    private static byte[] post(String path, long length) {
        return ("POST " + path + " HTTP/1.1\r\nHost: a\r\nContent-Length: " + length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Writes the head and the body on another thread; returns the body's CRC32 (known before it is written). */
    private static long writeInBackground(Socket socket, byte[] head, long length, AtomicLong written) {
        daemon(() -> {
            try {
                write(socket.getOutputStream(), head, length, written);
            } catch (IOException e) {
                // the proxy may answer and close before the body is all written
            }
        });
        return crc(length);
    }

    /** Writes {@code length} pseudo-random bytes (as {@link #write}) in 64 KiB chunks of the chunked coding. */
    private static void writeChunked(OutputStream out, long length) throws IOException {
        SplittableRandom random = new SplittableRandom(length);
        byte[] block = new byte[64 * 1024];
        for (long left = length; left > 0; ) {
            int n = (int) Math.min(block.length, left);
            fill(random, block, n);
            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(block, 0, n);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            left -= n;
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Writes {@code head} and then {@code length} pseudo-random bytes, counting them; returns their CRC32. */
    private static long write(OutputStream out, byte[] head, long length, AtomicLong written) throws IOException {
        out.write(head);
        SplittableRandom random = new SplittableRandom(length);
        byte[] block = new byte[64 * 1024];
        CRC32 crc = new CRC32();
        for (long left = length; left > 0; ) {
            int n = (int) Math.min(block.length, left);
            fill(random, block, n);
            out.write(block, 0, n);
            crc.update(block, 0, n);
            written.addAndGet(n);
            left -= n;
        }
        out.flush();
        return crc.getValue();
    }

    private static long crc(long length) {
        SplittableRandom random = new SplittableRandom(length);
        byte[] block = new byte[64 * 1024];
        CRC32 crc = new CRC32();
        for (long left = length; left > 0; ) {
            int n = (int) Math.min(block.length, left);
            fill(random, block, n);
            crc.update(block, 0, n);
            left -= n;
        }
        return crc.getValue();
    }

    private static void fill(SplittableRandom random, byte[] block, int n) {
        for (int i = 0; i < n; i += 8) {
            long value = random.nextLong();
            for (int j = 0; j < 8 && i + j < n; j++) {
                block[i + j] = (byte) (value >>> (8 * j));
            }
        }
    }

    /**
     * Waits until {@code progress} has not moved for a second (or has reached {@code total}) and returns it. A
     * slow machine may make a pause look like a stall; that only makes the caller's bound easier to meet.
     */
    private static long awaitStall(LongSupplier progress, long total) throws InterruptedException {
        long last = -1;
        int still = 0;
        while (still < 4) {
            Thread.sleep(250);
            long now = progress.getAsLong();
            if (now >= total) {
                return now;
            }
            still = now == last ? still + 1 : 0;
            last = now;
        }
        return last;
    }

    /** Whether the peer closed the connection (a reset counts: the proxy closed with unread bytes). */
    private static boolean closed(Socket socket) {
        try {
            return socket.getInputStream().read() == -1;
        } catch (IOException reset) {
            return true;
        }
    }

    /** Waits for an upstream's count, which moves just after it has answered, so after the client has read. */
    private static void awaitCount(Upstream upstream, int count) throws InterruptedException {
        for (int i = 0; i < 200 && upstream.requests() < count; i++) {
            Thread.sleep(50);
        }
        assertEquals(count, upstream.requests());
    }

    private static Thread daemon(Runnable body) {
        Thread thread = new Thread(body, "body-streaming-test");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A response as the client read it. */
    record Reply(int status, Map<String, String> headers, String text) {

        static Reply read(InputStream in) throws IOException {
            String statusLine = Upstream.line(in);
            Map<String, String> headers = Upstream.headers(in);
            byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
            return new Reply(Integer.parseInt(statusLine.substring(9, 12)), headers,
                    new String(body, StandardCharsets.UTF_8));
        }

        static Map<String, String> readHead(InputStream in) throws IOException {
            String statusLine = Upstream.line(in);
            assertTrue(statusLine.startsWith("HTTP/1.1 200"), statusLine);
            return Upstream.headers(in);
        }
    }

    /**
     * A raw HTTP/1.1 upstream whose connections each run {@code handler} on their own thread; its sockets have
     * small receive buffers, so what it does not read stays in the proxy's hands.
     */
    static final class Upstream implements AutoCloseable {

        interface Handler {
            void handle(Socket socket) throws IOException;
        }

        private final ServerSocket server;
        private final AtomicInteger requests = new AtomicInteger();
        private final AtomicInteger connections = new AtomicInteger();
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        Upstream(Handler handler) throws IOException {
            server = new ServerSocket();
            server.setReceiveBufferSize(SMALL_SOCKET_BUFFER);
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            daemon(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket socket = server.accept();
                        connections.incrementAndGet();
                        socket.setSendBufferSize(SMALL_SOCKET_BUFFER);
                        sockets.add(socket);
                        daemon(() -> {
                            try (socket) {
                                while (!socket.isClosed()) {
                                    handler.handle(socket);
                                    requests.incrementAndGet();
                                }
                            } catch (IOException e) {
                                // the proxy closed the connection
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        InetSocketAddress address() {
            return (InetSocketAddress) server.getLocalSocketAddress();
        }

        /** Connections accepted. */
        int connections() {
            return connections.get();
        }

        /** Requests its handler has finished with. */
        int requests() {
            return requests.get();
        }

        /** Reads one request with a Content-Length body and answers 200 with "length:crc32" of the body. */
        static void answerWithChecksum(Socket socket) throws IOException {
            String text = readRequest(socket.getInputStream());
            byte[] body = text.getBytes(StandardCharsets.US_ASCII);
            socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
        }

        /** Reads one request, with a Content-Length or chunked body; returns "length:crc32" of its body. */
        static String readRequest(InputStream in) throws IOException {
            Map<String, String> headers = readHead(in);
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                return readChunked(in);
            }
            long length = Long.parseLong(headers.getOrDefault("content-length", "0"));
            CRC32 crc = new CRC32();
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n; total < length && (n = in.read(buffer, 0, (int) Math.min(buffer.length, length - total))) > 0; ) {
                crc.update(buffer, 0, n);
                total += n;
            }
            if (total < length) {
                throw new IOException("body ended after " + total + " of " + length + " bytes");
            }
            return total + ":" + crc.getValue();
        }

        /** Reads a chunked body and its trailer section; returns "length:crc32" of the body. */
        static String readChunked(InputStream in) throws IOException {
            CRC32 crc = new CRC32();
            long total = 0;
            for (int size = Integer.parseInt(line(in).trim(), 16); size > 0;
                 size = Integer.parseInt(line(in).trim(), 16)) {
                byte[] chunk = in.readNBytes(size);
                if (chunk.length < size) {
                    throw new IOException("chunk ended after " + chunk.length + " of " + size + " bytes");
                }
                crc.update(chunk);
                total += size;
                line(in); // the CRLF after the chunk
            }
            headers(in); // trailers, up to the empty line
            return total + ":" + crc.getValue();
        }

        static Map<String, String> readHead(InputStream in) throws IOException {
            line(in); // the request line
            return headers(in);
        }

        static Map<String, String> headers(InputStream in) throws IOException {
            Map<String, String> headers = new LinkedHashMap<>();
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                int colon = h.indexOf(':');
                if (colon < 0) {
                    throw new IOException("not a header line: " + h.substring(0, Math.min(h.length(), 40)));
                }
                headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
            return headers;
        }

        static String line(InputStream in) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b == -1) {
                    throw new IOException("connection closed after '" + out + "'");
                }
                if (b != '\r') {
                    out.write(b);
                }
            }
            return out.toString(StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }
}
