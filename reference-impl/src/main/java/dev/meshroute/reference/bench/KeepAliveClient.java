package dev.meshroute.reference.bench;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A benchmark's HTTP/1.1 client: one keep-alive connection carrying one request at a time, each response read whole
 * (Content-Length or chunked body) so the next can follow, the connection reopened when the server closes it.
 * {@link FixedRateLoad} and the benchmarks' PushToEffect use it; it is not a general HTTP client (no request bodies,
 * no 1xx responses).
 */
public final class KeepAliveClient implements AutoCloseable {

    /** A response's status and headers (names lower-cased; a repeated header keeps its last value). */
    public record Response(int status, Map<String, String> headers) {
    }

    private final InetSocketAddress target;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    /** Opens the connection. */
    public KeepAliveClient(InetSocketAddress target) throws IOException {
        this.target = target;
        connect();
    }

    /**
     * Sends {@code request} (a whole HTTP/1.1 request head) and reads its response. On an I/O error the connection is
     * left broken: call {@link #reopen()} before the next request.
     */
    public Response exchange(byte[] request) throws IOException {
        out.write(request);
        out.flush();
        return readResponse();
    }

    /** Closes the connection and opens a new one. */
    public void reopen() throws IOException {
        close();
        connect();
    }

    @Override
    public void close() {
        try {
            if (socket != null) {
                socket.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000); // a server that stops answering fails the run instead of hanging it
        socket.connect(target, 5_000);
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        out = socket.getOutputStream();
    }

    private Response readResponse() throws IOException {
        String statusLine = line();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new HashMap<>();
        for (String header = line(); !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            if (colon > 0) {
                headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        header.substring(colon + 1).trim());
            }
        }
        if (headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked")) {
            for (long size = chunkSize(); size > 0; size = chunkSize()) {
                skip(size);
                line();
            }
            while (!line().isEmpty()) {
                // trailers
            }
        } else if (headers.containsKey("content-length")) {
            skip(Long.parseLong(headers.get("content-length")));
        }
        if ("close".equalsIgnoreCase(headers.get("connection"))) {
            reopen();
        }
        return new Response(status, headers);
    }

    private long chunkSize() throws IOException {
        return Long.parseLong(line().split(";", 2)[0].trim(), 16);
    }

    private void skip(long bytes) throws IOException {
        for (long left = bytes; left > 0; ) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("connection closed in a response body");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("connection closed in a response head");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
