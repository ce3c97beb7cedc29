package dev.meshroute.reference.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop HTTP/1.1 load generator for latency at a fixed request rate (what wrk2 does; wrk2 is not packaged
 * by Debian): request {@code i} is due at {@code start + i / rate}, and its latency is counted from when it was
 * due, not from when it could be sent, so a slow response also counts against the requests it delayed
 * (no coordinated omission).
 *
 * <p>Each keep-alive connection (its own thread) carries one request at a time and sends every C-th request of the
 * schedule: at 1,000 requests/s and sub-millisecond responses one connection is all the concurrency there is; more
 * let a slow machine catch up after a stall. The client costs the same on every target, so the benchmark reports
 * what a proxy adds: its p50 minus the p50 of the backend asked directly.
 *
 * <pre>java -cp meshroute-reference.jar dev.meshroute.reference.bench.FixedRateLoad PORT HOST PATH RATE SECONDS [C]</pre>
 *
 * It prints one line: {@code requests=N errors=E p50_us=.. p90_us=.. p99_us=.. p999_us=.. max_us=..}.
 */
public final class FixedRateLoad {

    /** What a run measured: latencies in nanoseconds, sorted, and the requests that failed. */
    public record Result(long[] latencyNanos, long errors) {

        /** The latency at quantile {@code q} (0..1), in microseconds. */
        public double percentileMicros(double q) {
            if (latencyNanos.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.min(latencyNanos.length - 1, Math.ceil(q * latencyNanos.length) - 1);
            return latencyNanos[Math.max(0, index)] / 1000.0;
        }

        public String summary() {
            return String.format(Locale.ROOT, "requests=%d errors=%d p50_us=%.1f p90_us=%.1f p99_us=%.1f"
                            + " p999_us=%.1f max_us=%.1f", latencyNanos.length, errors, percentileMicros(0.50),
                    percentileMicros(0.90), percentileMicros(0.99), percentileMicros(0.999),
                    percentileMicros(1.0));
        }
    }

    private final InetSocketAddress target;
    private final byte[] request;
    private KeepAliveClient client;

    private FixedRateLoad(InetSocketAddress target, String host, String path) {
        this.target = target;
        this.request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: meshroute-fixed-rate\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 5 && args.length != 6) {
            System.err.println("usage: FixedRateLoad PORT HOST PATH RATE SECONDS [CONNECTIONS]");
            System.exit(2);
        }
        Result result = run(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), args[1], args[2],
                Integer.parseInt(args[3]), Double.parseDouble(args[4]),
                args.length == 6 ? Integer.parseInt(args[5]) : 1);
        System.out.println(result.summary());
    }

    /**
     * Sends {@code rate} requests a second for {@code seconds} seconds and returns their latencies; a request that
     * fails (connection error or a status other than 2xx) counts as an error and the connection is reopened.
     */
    public static Result run(InetSocketAddress target, String host, String path, int rate, double seconds)
            throws IOException {
        return run(target, host, path, rate, seconds, 1);
    }

    /** As {@link #run(InetSocketAddress, String, String, int, double)}, over {@code connections} connections. */
    public static Result run(InetSocketAddress target, String host, String path, int rate, double seconds,
                             int connections) throws IOException {
        if (rate < 1 || seconds <= 0 || connections < 1) {
            throw new IllegalArgumentException("rate, seconds and connections must be positive");
        }
        int count = (int) Math.round(rate * seconds);
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime() + 50_000_000L; // every connection open before the first request is due
        Result[] parts = new Result[connections];
        IOException[] failure = new IOException[1];
        Thread[] threads = new Thread[connections];
        for (int c = 0; c < connections; c++) {
            int first = c;
            threads[c] = new Thread(() -> {
                FixedRateLoad load = new FixedRateLoad(target, host, path);
                try {
                    parts[first] = load.run(start, interval, first, connections, count);
                } catch (IOException e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                } finally {
                    load.close();
                }
            }, "fixed-rate-" + c);
            threads[c].start();
        }
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        long errors = 0;
        long[] all = new long[0];
        for (Result part : parts) {
            errors += part.errors();
            int at = all.length;
            all = Arrays.copyOf(all, at + part.latencyNanos().length);
            System.arraycopy(part.latencyNanos(), 0, all, at, part.latencyNanos().length);
        }
        Arrays.sort(all);
        return new Result(all, errors);
    }

    /** Sends requests {@code first}, {@code first + step}, ... below {@code count} of the schedule. */
    private Result run(long start, long interval, int first, int step, int count) throws IOException {
        long[] latencies = new long[count / step + 1];
        int ok = 0;
        long errors = 0;
        client = new KeepAliveClient(target);
        for (int i = first; i < count; i += step) {
            long due = start + i * interval;
            waitUntil(due);
            try {
                int status = client.exchange(request).status();
                if (status < 200 || status > 299) {
                    errors++;
                    continue;
                }
                latencies[ok++] = System.nanoTime() - due;
            } catch (IOException e) {
                errors++;
                client.reopen();
            }
        }
        long[] measured = Arrays.copyOf(latencies, ok);
        Arrays.sort(measured);
        return new Result(measured, errors);
    }

    private static void waitUntil(long due) {
        for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
            if (left > 200_000) {
                LockSupport.parkNanos(left - 100_000);
            } else {
                Thread.onSpinWait();
            }
        }
    }

    private void close() {
        if (client != null) {
            client.close();
        }
    }
}
