package dev.meshroute.reference.model;

import java.util.List;
import java.util.Map;

/**
 * Istio's {@code Headers}: what the proxy changes in request headers (before forwarding) and in response
 * headers (before answering), at rule or destination level. Empty maps and lists mean nothing to do.
 */
public record HeaderOperations(Map<String, String> requestSet, Map<String, String> requestAdd,
                               List<String> requestRemove, Map<String, String> responseSet,
                               Map<String, String> responseAdd, List<String> responseRemove,
                               SourceLocation location) {

    public HeaderOperations {
        requestSet = Map.copyOf(requestSet);
        requestAdd = Map.copyOf(requestAdd);
        requestRemove = List.copyOf(requestRemove);
        responseSet = Map.copyOf(responseSet);
        responseAdd = Map.copyOf(responseAdd);
        responseRemove = List.copyOf(responseRemove);
    }
}
