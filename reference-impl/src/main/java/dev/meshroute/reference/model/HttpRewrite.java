package dev.meshroute.reference.model;

/**
 * Istio's {@code HTTPRewrite}: what the proxy changes in a request before forwarding it.
 *
 * @param uri          replaces the part of the path the rule matched (null: no path rewrite)
 * @param authority    replaces the Host (null: keep it)
 * @param regexMatch   {@code uriRegexRewrite.match}, an RE2 pattern over the path without query (null: none)
 * @param regexRewrite {@code uriRegexRewrite.rewrite}, with {@code \1}-style group references
 */
public record HttpRewrite(String uri, String authority, String regexMatch, String regexRewrite,
                          SourceLocation location) {
}
