package dev.meshroute.reference.reliability;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** A minimal keep-alive HTTP/1.1 client for the reliability tests: one connection, one request at a time. */
final class Http1 implements AutoCloseable {

    /** A response: status, the proxy's response flags (null if none), the pod that answered (null for a local reply). */
    record Response(int status, String flags, String pod, String body) {
    }

    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    Http1(int port) {
        this.port = port;
    }

    Response get(String host, String path, String... extraHeaders) throws IOException {
        if (socket == null) {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }
        StringBuilder req = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: ").append(host)
                .append("\r\n");
        for (String h : extraHeaders) {
            req.append(h).append("\r\n");
        }
        out.write(req.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        try {
            return read();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private Response read() throws IOException {
        String status = line();
        if (status == null) {
            throw new IOException("connection closed before a response");
        }
        int code = Integer.parseInt(status.split(" ")[1]);
        int length = -1;
        String flags = null;
        boolean close = false;
        for (String h = line(); h != null && !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Integer.parseInt(value);
                case "x-response-flags" -> flags = value;
                case "connection" -> close = value.equalsIgnoreCase("close");
                default -> { }
            }
        }
        if (length < 0) {
            throw new IOException("response without content-length: " + status);
        }
        String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        if (close) {
            close();
        }
        return new Response(code, flags, pod(body), body);
    }

    private static String pod(String body) {
        int at = body.indexOf("\"pod\":\"");
        if (at < 0) {
            return null;
        }
        int start = at + 7;
        return body.substring(start, body.indexOf('"', start));
    }

    private String line() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                String s = buf.toString(StandardCharsets.US_ASCII);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            buf.write(c);
        }
        return buf.size() == 0 ? null : buf.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            socket = null;
        }
    }
}
