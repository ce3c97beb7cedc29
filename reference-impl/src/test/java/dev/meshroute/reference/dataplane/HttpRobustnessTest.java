package dev.meshroute.reference.dataplane;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reference proxy against hostile or odd HTTP/1.1 clients (issue #10), over real sockets with raw bytes, with
 * Envoy's answers as the yardstick: envoyproxy/envoy source/common/http/http1/codec_impl.cc (response code details
 * http1.content_length_and_chunked_not_allowed -> 400, http1.invalid_transfer_encoding -> 501,
 * http1.headers_too_large / http1.too_many_headers -> 431, http1.codec_error -> 400),
 * source/common/http/conn_manager_config.h / http_option_limits ({@code DEFAULT_MAX_REQUEST_HEADERS_KB = 60},
 * {@code DEFAULT_MAX_HEADERS_COUNT = 100}), test/common/http/http1/codec_impl_test.cc (the CL+TE request), and the
 * HTTP connection manager's {@code request_headers_timeout} (408). The router answers every request itself with
 * its path as the body, so no upstream is involved.
 */
class HttpRobustnessTest {

    private ProxyServer proxy;

    /** The socket transport the proxy runs on; {@link TransportTest} runs these tests again on the others. */
    Transport transport() {
        return Transport.CURRENT;
    }

    private int start(RequestLimits limits) {
        proxy = new ProxyServer(new InetSocketAddress("127.0.0.1", 0),
                () -> request -> new RouteDecision.LocalReply("echo-path", 200, request.path(), null), limits,
                transport());
        return proxy.start();
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void contentLengthWithTransferEncoding_is400_andTheConnectionCloses() throws IOException {
        int port = start(RequestLimits.DEFAULTS);
        Exchange e = exchange(port, "POST /smuggle HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        assertEquals(400, e.status(), e.toString());
        assertEquals("DPE", e.headers().get("x-response-flags"));
        assertTrue(e.closed(), "the connection closes after a protocol error");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "gzip, chunked", "chunked, chunked", "identity", "deflate"})
    void aTransferCodingOtherThanChunked_is501(String coding) throws IOException {
        int port = start(RequestLimits.DEFAULTS);
        Exchange e = exchange(port, "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: " + coding
                + "\r\n\r\n0\r\n\r\n");
        assertEquals(501, e.status(), e.toString());
        assertEquals("Not Implemented", e.body());
        assertTrue(e.closed());
    }

    @Test
    void chunked_isAccepted() throws IOException {
        int port = start(RequestLimits.DEFAULTS);
        Exchange e = exchange(port, "POST /ok HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\nConnection: close"
                + "\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        assertEquals(200, e.status(), e.toString());
        assertEquals("/ok", e.body());
    }

    @Test
    void oneHundredHeaders_pass_andOneHundredAndOne_are431() throws IOException {
        int port = start(RequestLimits.DEFAULTS);
        assertEquals(200, exchange(port, withHeaders("/hundred", 100)).status());
        Exchange e = exchange(port, withHeaders("/hundred-and-one", 101));
        assertEquals(431, e.status(), e.toString());
        assertEquals("Request Header Fields Too Large", e.body());
        assertTrue(e.closed());
    }

    @Test
    void sixtyKibOfHeaders_pass_andOneByteMore_is431() throws IOException {
        int port = start(RequestLimits.DEFAULTS);
        // Envoy counts the URL and every header name and value: "/" + "host" + "a" + "connection" + "close" + "x-big"
        int fixed = "/".length() + "hosta".length() + "connectionclose".length() + "x-big".length();
        String atLimit = "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\nx-big: " + "v".repeat(60 * 1024 - fixed)
                + "\r\n\r\n";
        assertEquals(200, exchange(port, atLimit).status());
        Exchange over = exchange(port, atLimit.replace("x-big: ", "x-big: v"));
        assertEquals(431, over.status(), over.toString());
        assertTrue(over.closed());
    }

    @Test
    void aUrlOverSixtyKib_is431_asEnvoyCountsItWithTheHeaders() throws IOException {
        int port = start(RequestLimits.DEFAULTS);
        Exchange e = exchange(port, "GET /" + "u".repeat(61 * 1024) + " HTTP/1.1\r\nHost: a\r\n\r\n");
        assertEquals(431, e.status(), e.toString());
    }

    @Test
    void aHeadOfAMebibyte_is431_withoutBufferingIt() throws IOException {
        int port = start(RequestLimits.DEFAULTS);
        StringBuilder sb = new StringBuilder("GET / HTTP/1.1\r\nHost: a\r\n");
        for (int i = 0; i < 1024; i++) {
            sb.append("x-h").append(i).append(": ").append("v".repeat(1000)).append("\r\n");
        }
        Exchange e = exchange(port, sb.append("\r\n").toString());
        assertEquals(431, e.status(), e.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"GARBAGE\r\n\r\n", "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", "GET / FTP/1.0\r\nHost: a\r\n\r\n",
            "GET\r\nHost: a\r\n\r\n", "GET / HTTP/1.1\r\nHost: a\r\nbad header: x\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
            "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", "\u0000\u0001\u0002 / HTTP/1.1\r\n\r\n"})
    void aMalformedRequest_is400_andTheConnectionCloses(String raw) throws IOException {
        int port = start(RequestLimits.DEFAULTS);
        Exchange e = exchange(port, raw);
        assertEquals(400, e.status(), e.toString());
        assertTrue(e.closed());
    }

    /**
     * Envoy's HTTP/1 codec refuses a request that is not HTTP/1.1 unless {@code accept_http_10} is set, which Istio
     * sets only with {@code PILOT_HTTP10} or the proxy's {@code HTTP10} metadata: 426 with the status text as body,
     * details low_version, flag DPE, and the connection closes (codec_impl.cc {@code checkProtocolVersion},
     * conn_manager_impl.cc {@code handleCodecError}). The status line stays HTTP/1.1, as Envoy writes HTTP/1.0 only
     * when it accepts HTTP/1.0. The echo router would answer 200, so a 426 also shows routing never ran.
     */
    @ParameterizedTest
    @ValueSource(strings = {"GET /old HTTP/1.0\r\nHost: a\r\n\r\n",
            "GET /old HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n",
            "POST /old HTTP/1.0\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
            "GET /old HTTP/1.0\r\n\r\n", "GET /old HTTP/0.9\r\nHost: a\r\n\r\n"})
    void anHttp10Request_is426UpgradeRequired_andTheConnectionCloses(String raw) throws IOException {
        int port = start(RequestLimits.DEFAULTS);
        Exchange e = exchange(port, raw);
        assertEquals(426, e.status(), e.toString());
        assertEquals("Upgrade Required", e.body());
        assertEquals("DPE", e.headers().get("x-response-flags"));
        assertEquals("close", e.headers().get("connection"));
        assertTrue(e.closed(), "the connection closes after the 426");
    }

    /**
     * Envoy treats every version other than HTTP/1.1 as HTTP/1.0 (codec_impl.cc {@code onHeadersCompleteImpl}), so an
     * HTTP/1.2 or HTTP/2.0 request line gets the same 426; a version its parser does not accept at all (one digit, a
     * dot, one digit after {@code HTTP/}, the prefix in capitals: balsa_parser.cc {@code isVersionValid}, which tests it
     * with {@code absl::StartsWith}, case-sensitive) is HPE_INVALID_VERSION, 400.
     */
    @ParameterizedTest
    @CsvSource({"HTTP/1.2, 426", "HTTP/2.0, 426", "HTTP/9.9, 426",
            "HTTP/1.10, 400", "HTTP/10.1, 400", "HTTP/01.1, 400", "FOO/1.1, 400", "http/1.1, 400", "Http/1.1, 400",
            "http/1.0, 400"})
    void anotherVersion_is426LikeHttp10_or400WhenMalformed(String version, int status) throws IOException {
        int port = start(RequestLimits.DEFAULTS);
        Exchange e = exchange(port, "GET /new " + version + "\r\nHost: a\r\n\r\n");
        assertEquals(status, e.status(), e.toString());
        assertEquals("DPE", e.headers().get("x-response-flags"));
        assertTrue(e.closed(), "the connection closes after the " + status);
    }

    @Test
    void anHttp10RequestPipelinedAfterAnHttp11One_is426_afterTheFirstIsServed() throws IOException {
        int port = start(RequestLimits.DEFAULTS);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /new HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "GET /old HTTP/1.0\r\nHost: a\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            Exchange first = read(socket.getInputStream());
            assertEquals(200, first.status(), first.toString());
            assertEquals("/new", first.body());
            Exchange second = read(socket.getInputStream());
            assertEquals(426, second.status(), second.toString());
            assertEquals(-1, socket.getInputStream().read(), "closed after the 426");
        }
    }

    @Test
    void aClientThatNeverFinishesItsHeaders_gets408AndIsClosed() throws IOException {
        int port = start(new RequestLimits(60, 100, Duration.ofMillis(300)));
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write("GET /slow HTTP/1.1\r\nHost: a\r\nx-slow: ".getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                Exchange e = read(socket.getInputStream());
                assertEquals(408, e.status(), e.toString());
                assertEquals(-1, socket.getInputStream().read(), "closed after the 408");
            }
        });
    }

    @Test
    void aPipelinedHeadThatArrivesWithThePreviousRequestsEnd_isTimedToo() throws IOException {
        int port = start(new RequestLimits(60, 100, Duration.ofMillis(300)));
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(10_000);
                // one write, so one read on the proxy's side: a whole request and the start of the next
                socket.getOutputStream().write(("POST /first HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nok"
                        + "GET /second HTTP/1.1\r\nHost: a\r\nx-slow: ").getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                assertEquals("/first", read(socket.getInputStream()).body());
                Exchange e = read(socket.getInputStream());
                assertEquals(408, e.status(), e.toString());
                assertEquals(-1, socket.getInputStream().read(), "closed after the 408");
            }
        });
    }

    @Test
    void anIdleKeepAliveConnection_isNotTimedByTheHeadTimeout() throws Exception {
        int port = start(new RequestLimits(60, 100, Duration.ofMillis(200)));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /first HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("/first", read(socket.getInputStream()).body());
            Thread.sleep(800); // four timeouts with no request under way
            out.write("GET /second HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("/second", read(socket.getInputStream()).body());
        }
    }

    @Test
    void pipelinedRequests_areAnsweredInOrder() throws IOException {
        int port = start(RequestLimits.DEFAULTS);
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 20; i++) {
            sb.append("GET /").append(i).append(" HTTP/1.1\r\nHost: a\r\n\r\n");
        }
        sb.append("POST /21 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc");
        sb.append("GET /22 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(sb.toString().getBytes(StandardCharsets.US_ASCII));
            List<String> bodies = new ArrayList<>();
            for (int i = 1; i <= 22; i++) {
                bodies.add(read(socket.getInputStream()).body());
            }
            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= 22; i++) {
                expected.add("/" + i);
            }
            assertEquals(expected, bodies);
            assertEquals(-1, socket.getInputStream().read(), "Connection: close on the last one");
        }
    }

    // ---- raw HTTP/1.1 on a socket

    private static String withHeaders(String path, int count) {
        StringBuilder sb = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: a\r\nConnection: close\r\n");
        for (int i = 2; i < count; i++) {
            sb.append("x-h").append(i).append(": v\r\n");
        }
        return sb.append("\r\n").toString();
    }

    record Exchange(int status, Map<String, String> headers, String body, boolean closed) {
    }

    /** Sends {@code raw}, reads one response, and whether the proxy then closed the connection. */
    private static Exchange exchange(int port, String raw) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            try {
                socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
            } catch (IOException e) {
                // the proxy may answer and close before it has read everything; the answer is still there
            }
            Exchange e = read(socket.getInputStream());
            boolean closed;
            try {
                closed = socket.getInputStream().read() == -1;
            } catch (IOException reset) {
                closed = true;
            }
            return new Exchange(e.status(), e.headers(), e.body(), closed);
        }
    }

    private static Exchange read(InputStream in) throws IOException {
        String status = line(in);
        assertTrue(status.startsWith("HTTP/1.1 "), "a status line, got '" + status + "'");
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        return new Exchange(Integer.parseInt(status.substring(9, 12)), headers,
                new String(body, StandardCharsets.UTF_8), false);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b == -1) {
                throw new IOException("connection closed mid-response after '" + out + "'");
            }
            if (b != '\r') {
                out.write(b);
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
