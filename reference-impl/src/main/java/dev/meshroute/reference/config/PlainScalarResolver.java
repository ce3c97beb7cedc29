package dev.meshroute.reference.config;

import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * SnakeYAML's resolver of implicit tags, without the regular expressions it cannot need. The stock resolver picks
 * the patterns to try by a plain scalar's first character, then tries the patterns registered for every first
 * character on every scalar up to their length limit; each try allocates a {@code Matcher}. Those catch-all patterns
 * are the null ones, {@code ^(?:~|null|Null|NULL| )$} and {@code ^$}: of the scalars whose first character has no
 * patterns of its own ({@code match}, {@code /items}, {@code reviews.default}), they match only a single space. Every
 * other such scalar can only be a string, so it is one here without a try (parsing a 10,000-rule VirtualService spent
 * 15% of what it allocated on those matchers). {@code PlainScalarResolverTest} holds this to the stock resolver.
 */
final class PlainScalarResolver extends Resolver {

    @Override
    public Tag resolve(NodeId kind, String value, boolean implicit) {
        if (kind == NodeId.scalar && implicit && !value.isEmpty() && value.charAt(0) != ' '
                && !yamlImplicitResolvers.containsKey(value.charAt(0))) {
            return Tag.STR;
        }
        return super.resolve(kind, value, implicit);
    }
}
