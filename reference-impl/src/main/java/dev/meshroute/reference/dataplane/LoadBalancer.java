package dev.meshroute.reference.dataplane;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Envoy's endpoint choice for one cluster, by its {@code lb_policy}: ROUND_ROBIN takes turns, RANDOM draws,
 * LEAST_REQUEST draws two and takes the one with fewer active requests (power of two choices, Envoy's default
 * {@code choice_count}), RING_HASH and MAGLEV map a request's hash to a stable endpoint (a request without a hash
 * gets a random one). Thread-safe; the hash tables are rebuilt only when the endpoint list changes.
 *
 * <p>The hash function is not Envoy's xxHash64 (a suite may only rely on "same key, same endpoint").
 */
final class LoadBalancer {

    private final Cluster.LbPolicy policy;
    private final long ringSize;
    private final long maglevTableSize;
    private final AtomicLong turn = new AtomicLong();
    private volatile Table table;

    /** A consistent-hash lookup built for one list of endpoints. */
    private record Table(List<RouteTable.Endpoint> endpoints, long[] hashes, RouteTable.Endpoint[] owners) {
    }

    LoadBalancer(Cluster cluster) {
        this.policy = cluster.getLbPolicy();
        long min = cluster.hasRingHashLbConfig() && cluster.getRingHashLbConfig().hasMinimumRingSize()
                ? cluster.getRingHashLbConfig().getMinimumRingSize().getValue() : 1024;
        this.ringSize = Math.max(1, Math.min(min, 8_388_608));
        this.maglevTableSize = cluster.hasMaglevLbConfig() && cluster.getMaglevLbConfig().hasTableSize()
                ? cluster.getMaglevLbConfig().getTableSize().getValue() : 65_537;
    }

    boolean usesHash() {
        return policy == Cluster.LbPolicy.RING_HASH || policy == Cluster.LbPolicy.MAGLEV;
    }

    /**
     * One endpoint of the non-empty {@code endpoints}.
     *
     * @param hash   the request's hash, if its route's hash policies produced one
     * @param active the active requests per endpoint (LEAST_REQUEST)
     */
    RouteTable.Endpoint pick(List<RouteTable.Endpoint> endpoints, OptionalLong hash, RandomSource random,
                             Map<RouteTable.Endpoint, ? extends Number> active) {
        int n = endpoints.size();
        switch (policy) {
            case ROUND_ROBIN:
                return endpoints.get((int) Long.remainderUnsigned(turn.getAndIncrement(), n));
            case RING_HASH:
            case MAGLEV:
                if (hash.isPresent()) {
                    return lookup(endpoints, hash.getAsLong());
                }
                return endpoints.get(index(random, n));
            case LEAST_REQUEST:
                RouteTable.Endpoint a = endpoints.get(index(random, n));
                RouteTable.Endpoint b = endpoints.get(index(random, n));
                return activeOf(active, b) < activeOf(active, a) ? b : a;
            default: // RANDOM, and anything this proxy does not know
                return endpoints.get(index(random, n));
        }
    }

    private static long activeOf(Map<RouteTable.Endpoint, ? extends Number> active, RouteTable.Endpoint e) {
        Number v = active.get(e);
        return v == null ? 0 : v.longValue();
    }

    private static int index(RandomSource random, int n) {
        return (int) Long.remainderUnsigned(random.nextLong(), n);
    }

    private RouteTable.Endpoint lookup(List<RouteTable.Endpoint> endpoints, long hash) {
        Table t = table;
        if (t == null || !t.endpoints().equals(endpoints)) {
            t = policy == Cluster.LbPolicy.MAGLEV ? maglev(endpoints) : ring(endpoints);
            table = t;
        }
        if (policy == Cluster.LbPolicy.MAGLEV) {
            return t.owners()[(int) Long.remainderUnsigned(hash, t.owners().length)];
        }
        // the first ring entry at or after the hash, wrapping around (unsigned order)
        long[] hashes = t.hashes();
        int i = Arrays.binarySearch(hashes, hash ^ Long.MIN_VALUE);
        int at = i >= 0 ? i : -i - 1;
        return t.owners()[at == hashes.length ? 0 : at];
    }

    /** Envoy's ring: each endpoint gets ring-size / endpoints entries, hashed from its address and an index. */
    private Table ring(List<RouteTable.Endpoint> endpoints) {
        int per = (int) Math.max(1, (ringSize + endpoints.size() - 1) / endpoints.size());
        int total = per * endpoints.size();
        long[][] entries = new long[total][2];
        int k = 0;
        for (int e = 0; e < endpoints.size(); e++) {
            String key = key(endpoints.get(e));
            for (int i = 0; i < per; i++) {
                // stored with the sign bit flipped, so signed order is the hashes' unsigned order
                entries[k][0] = hash(key + "_" + i) ^ Long.MIN_VALUE;
                entries[k][1] = e;
                k++;
            }
        }
        Arrays.sort(entries, (x, y) -> Long.compare(x[0], y[0]));
        long[] hashes = new long[total];
        RouteTable.Endpoint[] owners = new RouteTable.Endpoint[total];
        for (int i = 0; i < total; i++) {
            hashes[i] = entries[i][0];
            owners[i] = endpoints.get((int) entries[i][1]);
        }
        return new Table(List.copyOf(endpoints), hashes, owners);
    }

    /** Maglev's lookup table: each endpoint fills slots along its own permutation, in turns. */
    private Table maglev(List<RouteTable.Endpoint> endpoints) {
        int m = (int) maglevTableSize;
        int n = endpoints.size();
        long[] offset = new long[n];
        long[] skip = new long[n];
        long[] next = new long[n];
        for (int i = 0; i < n; i++) {
            String key = key(endpoints.get(i));
            offset[i] = Long.remainderUnsigned(hash(key), m);
            skip[i] = Long.remainderUnsigned(hash(key + "#skip"), m - 1) + 1;
        }
        RouteTable.Endpoint[] owners = new RouteTable.Endpoint[m];
        int filled = 0;
        while (filled < m) {
            for (int i = 0; i < n && filled < m; i++) {
                int slot;
                do {
                    slot = (int) ((offset[i] + next[i] * skip[i]) % m);
                    next[i]++;
                } while (owners[slot] != null);
                owners[slot] = endpoints.get(i);
                filled++;
            }
        }
        return new Table(List.copyOf(endpoints), new long[0], owners);
    }

    private static String key(RouteTable.Endpoint e) {
        return e.address().getHostString() + ":" + e.address().getPort();
    }

    /** A 64-bit hash of a string: FNV-1a, then a murmur3 finalizer to spread the bits. */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
