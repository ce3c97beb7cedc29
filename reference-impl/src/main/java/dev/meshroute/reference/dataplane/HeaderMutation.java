package dev.meshroute.reference.dataplane;

import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Envoy's {@code *_headers_to_add} and {@code *_headers_to_remove}, compiled: removals first, then each
 * header set (replacing every value) or appended, in order.
 */
public record HeaderMutation(List<Op> ops, List<String> remove) {

    /** One header to set ({@code append == false}) or append. */
    public record Op(String name, String value, boolean append) {
    }

    public static final HeaderMutation NONE = new HeaderMutation(List.of(), List.of());

    public HeaderMutation {
        ops = List.copyOf(ops);
        remove = List.copyOf(remove);
    }

    static HeaderMutation compile(List<HeaderValueOption> add, List<String> remove) {
        if (add.isEmpty() && remove.isEmpty()) {
            return NONE;
        }
        List<Op> ops = new ArrayList<>();
        for (HeaderValueOption o : add) {
            boolean append = o.getAppendAction() == HeaderValueOption.HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD
                    && (!o.hasAppend() || o.getAppend().getValue());
            ops.add(new Op(o.getHeader().getKey().toLowerCase(Locale.ROOT), o.getHeader().getValue(), append));
        }
        return new HeaderMutation(ops, remove.stream().map(r -> r.toLowerCase(Locale.ROOT)).toList());
    }

    public boolean isEmpty() {
        return ops.isEmpty() && remove.isEmpty();
    }

    /** This mutation, then {@code later}: Envoy evaluates a weighted cluster's first, then the route's. */
    HeaderMutation then(HeaderMutation later) {
        if (later.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return later;
        }
        List<Op> allOps = new ArrayList<>(ops);
        allOps.addAll(later.ops());
        List<String> allRemove = new ArrayList<>(remove);
        allRemove.addAll(later.remove());
        return new HeaderMutation(allOps, allRemove);
    }

    /** Applies this to Netty headers. */
    public void applyTo(io.netty.handler.codec.http.HttpHeaders headers) {
        remove.forEach(headers::remove);
        for (Op op : ops) {
            if (op.append()) {
                headers.add(op.name(), op.value());
            } else {
                headers.set(op.name(), op.value());
            }
        }
    }
}
