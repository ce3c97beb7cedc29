package dev.meshroute.conformance.target;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A lean HTTP/1.1 client for sampling thousands of requests: a few keep-alive connections, each
 * sending one request at a time, exactly as written (Host and repeated headers included). A
 * request that fails at the transport level becomes a response with status 0, counted apart by the
 * caller, never dropped.
 */
public final class BulkClient {

    private static final int CONNECTIONS = 4;

    private final InetSocketAddress proxy;

    public BulkClient(InetSocketAddress proxy) {
        this.proxy = proxy;
    }

    public List<Exchange.Response> sendMany(Exchange.Request request, int count) {
        return sendMany(request, count, CONNECTIONS);
    }

    /** As {@link #sendMany(Exchange.Request, int)} on {@code connections} connections (1: one request at a time). */
    public List<Exchange.Response> sendMany(Exchange.Request request, int count, int connections) {
        byte[] wire = encode(request);
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            List<Future<List<Exchange.Response>>> parts = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                int share = count / connections + (c < count % connections ? 1 : 0);
                parts.add(pool.submit(() -> sendOnOneConnection(wire, share)));
            }
            List<Exchange.Response> all = new ArrayList<>(count);
            for (Future<List<Exchange.Response>> part : parts) {
                all.addAll(part.get());
            }
            return all;
        } catch (Exception e) {
            throw new IllegalStateException("bulk sending failed: " + e, e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** {@code request} with {@code version} in its request line, alone on a new connection. */
    public Exchange.Response sendOnce(Exchange.Request request, String version) {
        return sendOnOneConnection(encode(request, version), 1).get(0);
    }

    private List<Exchange.Response> sendOnOneConnection(byte[] wire, int count) {
        List<Exchange.Response> out = new ArrayList<>(count);
        Socket socket = null;
        InputStream in = null;
        for (int i = 0; i < count; i++) {
            try {
                if (socket == null) {
                    socket = new Socket();
                    socket.connect(proxy, 5_000);
                    socket.setSoTimeout(30_000);
                    socket.setTcpNoDelay(true);
                    in = new BufferedInputStream(socket.getInputStream());
                }
                OutputStream os = socket.getOutputStream();
                os.write(wire);
                os.flush();
                Exchange.Response response = read(in);
                out.add(response);
                List<String> connection = response.headers().get("connection");
                if (connection != null && connection.contains("close")) {
                    socket.close();
                    socket = null;
                }
            } catch (IOException e) {
                out.add(new Exchange.Response(0, Map.of(), "transport error: " + e.getMessage(), null, Map.of(), null));
                closeQuietly(socket);
                socket = null;
            }
        }
        closeQuietly(socket);
        return out;
    }

    static byte[] encode(Exchange.Request request) {
        return encode(request, "HTTP/1.1");
    }

    /** {@code request} on the wire with {@code version} in its request line. */
    static byte[] encode(Exchange.Request request, String version) {
        StringBuilder sb = new StringBuilder();
        sb.append(request.method()).append(' ').append(request.path()).append(' ').append(version).append("\r\n");
        sb.append("Host: ").append(request.host()).append("\r\n");
        for (Map.Entry<String, String> h : request.headers()) {
            sb.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Exchange.Response read(InputStream in) throws IOException {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            headers.computeIfAbsent(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(h.substring(colon + 1).trim());
        }
        List<String> length = headers.get("content-length");
        if (length == null) {
            throw new IOException("response without content-length (status " + status + ")");
        }
        byte[] body = in.readNBytes(Integer.parseInt(length.get(0)));
        return ResponseParser.parse(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(64);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                break;
            }
            if (b != '\r') {
                buf.write(b);
            }
        }
        if (b == -1 && buf.size() == 0) {
            throw new IOException("connection closed by the proxy");
        }
        return buf.toString(StandardCharsets.ISO_8859_1);
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
