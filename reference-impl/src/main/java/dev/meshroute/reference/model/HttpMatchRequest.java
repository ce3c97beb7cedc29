package dev.meshroute.reference.model;

import java.util.List;
import java.util.Map;

/**
 * One entry of an HTTP rule's {@code match} list: its conditions are ANDed; the entries of a list are
 * ORed. Null fields are absent. Header, query-parameter and label maps keep their YAML order.
 */
public record HttpMatchRequest(String name,
                               StringMatch uri,
                               StringMatch scheme,
                               StringMatch method,
                               StringMatch authority,
                               Map<String, StringMatch> headers,
                               Map<String, StringMatch> withoutHeaders,
                               Map<String, StringMatch> queryParams,
                               boolean ignoreUriCase,
                               Integer port,
                               Map<String, String> sourceLabels,
                               String sourceNamespace,
                               List<String> gateways,
                               SourceLocation location) {
}
