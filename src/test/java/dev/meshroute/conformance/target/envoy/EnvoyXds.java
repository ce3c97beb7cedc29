package dev.meshroute.conformance.target.envoy;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.meshroute.reference.translate.XdsResources;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLogFilter;
import io.envoyproxy.envoy.config.accesslog.v3.ResponseFlagFilter;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.LocalReplyConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.ResponseMapper;

import java.util.ArrayList;
import java.util.List;

/**
 * Adapts the reference control plane's resources for an Envoy in a container, changing nothing about
 * routing: the captured listener moves to an unprivileged port, endpoints get an address the container
 * can reach, and every reply Envoy makes itself carries {@code x-response-flags: %RESPONSE_FLAGS%}
 * (DESIGN.md: the same facts from every implementation).
 */
public final class EnvoyXds {

    /** The port Envoy's captured listener binds inside the container (the reference's listener is 80). */
    public static final int LISTENER_PORT = 10080;
    static final String FLAGS_HEADER = "x-response-flags";

    private EnvoyXds() {
    }

    public static XdsResources forContainer(XdsResources in, String endpointHost) {
        List<Listener> listeners = new ArrayList<>();
        for (Listener l : in.listeners()) {
            listeners.add(adapt(l));
        }
        List<ClusterLoadAssignment> endpoints = new ArrayList<>();
        for (ClusterLoadAssignment cla : in.endpoints()) {
            endpoints.add(readdress(cla, endpointHost));
        }
        return new XdsResources(listeners, in.routes(), in.clusters(), endpoints);
    }

    private static Listener adapt(Listener listener) {
        Listener.Builder b = listener.toBuilder();
        if (listener.getAddress().getSocketAddress().getPortValue() == 80) {
            b.getAddressBuilder().getSocketAddressBuilder().setPortValue(LISTENER_PORT);
        }
        for (FilterChain.Builder chain : b.getFilterChainsBuilderList()) {
            for (Filter.Builder filter : chain.getFiltersBuilderList()) {
                if (filter.getTypedConfig().is(HttpConnectionManager.class)) {
                    filter.setTypedConfig(Any.pack(withResponseFlagsHeader(unpack(filter.getTypedConfig()))));
                }
            }
        }
        return b.build();
    }

    /** A local reply mapper: any reply with a response flag set gets the flags as a header. */
    static HttpConnectionManager withResponseFlagsHeader(HttpConnectionManager hcm) {
        ResponseMapper mapper = ResponseMapper.newBuilder()
                .setFilter(AccessLogFilter.newBuilder().setResponseFlagFilter(ResponseFlagFilter.getDefaultInstance()))
                .addHeadersToAdd(HeaderValueOption.newBuilder()
                        .setHeader(HeaderValue.newBuilder().setKey(FLAGS_HEADER).setValue("%RESPONSE_FLAGS%"))
                        .setAppendAction(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD))
                .build();
        return hcm.toBuilder().setLocalReplyConfig(LocalReplyConfig.newBuilder().addMappers(mapper)).build();
    }

    private static ClusterLoadAssignment readdress(ClusterLoadAssignment cla, String host) {
        ClusterLoadAssignment.Builder b = cla.toBuilder();
        for (LocalityLbEndpoints.Builder locality : b.getEndpointsBuilderList()) {
            for (LbEndpoint.Builder lb : locality.getLbEndpointsBuilderList()) {
                lb.getEndpointBuilder().getAddressBuilder().getSocketAddressBuilder().setAddress(host);
            }
        }
        return b.build();
    }

    private static HttpConnectionManager unpack(Any any) {
        try {
            return any.unpack(HttpConnectionManager.class);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("the listener's connection manager cannot be decoded", e);
        }
    }
}
