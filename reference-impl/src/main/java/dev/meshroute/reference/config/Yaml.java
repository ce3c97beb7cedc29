package dev.meshroute.reference.config;

import dev.meshroute.reference.model.SourceLocation;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed reads of a SnakeYAML node tree that report shape errors with the file, the line and the field
 * path instead of throwing; each read returns null (or an empty value) after reporting.
 */
final class Yaml {

    private final String file;
    private final Problems problems;

    Yaml(String file, Problems problems) {
        this.file = file;
        this.problems = problems;
    }

    /** Collects the errors found while reading one resource. */
    interface Problems {
        void error(SourceLocation location, String message);
    }

    SourceLocation at(Node node) {
        return new SourceLocation(file, node.getStartMark().getLine() + 1);
    }

    /**
     * The fields of a mapping in order. Fields not in {@code known} are reported (with a suggestion when
     * one is close); fields in {@code unsupported} are reported as valid Istio that the reference cannot
     * honour yet, so the resource is rejected rather than silently routed differently.
     */
    Map<String, Node> fields(Node node, String path, String typeName, List<String> known, List<String> unsupported) {
        Map<String, Node> out = new LinkedHashMap<>();
        MappingNode mapping = mapping(node, path, typeName);
        if (mapping == null) {
            return out;
        }
        for (NodeTuple tuple : mapping.getValue()) {
            String key = keyOf(tuple);
            if (key == null) {
                continue;
            }
            if (unsupported.contains(key)) {
                problems.error(at(tuple.getKeyNode()), path + "." + key + ": valid Istio, but not implemented by the"
                        + " meshroute reference yet; remove it or run this config against another target");
            } else if (!known.isEmpty() && !known.contains(key)) {
                problems.error(at(tuple.getKeyNode()), path + ": unknown field '" + key + "' in " + typeName
                        + suggestion(key, known));
            } else if (out.put(key, tuple.getValueNode()) != null) {
                problems.error(at(tuple.getKeyNode()), path + ": duplicate field '" + key + "'");
            }
        }
        return out;
    }

    /** All entries of a mapping whose keys and values are free-form strings (labels, selectors). */
    Map<String, Node> entries(Node node, String path) {
        Map<String, Node> out = new LinkedHashMap<>();
        MappingNode mapping = mapping(node, path, "map");
        if (mapping == null) {
            return out;
        }
        for (NodeTuple tuple : mapping.getValue()) {
            String key = keyOf(tuple);
            if (key != null && out.put(key, tuple.getValueNode()) != null) {
                problems.error(at(tuple.getKeyNode()), path + ": duplicate key '" + key + "'");
            }
        }
        return out;
    }

    Map<String, String> stringMap(Node node, String path) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null || isNull(node)) {
            return out;
        }
        entries(node, path).forEach((k, v) -> {
            String value = string(v, path + "." + k);
            if (value != null) {
                out.put(k, value);
            }
        });
        return out;
    }

    List<Node> list(Node node, String path) {
        if (node == null || isNull(node)) {
            return List.of();
        }
        if (node instanceof SequenceNode seq) {
            return seq.getValue();
        }
        problems.error(at(node), path + ": expected a list, found " + describe(node));
        return List.of();
    }

    List<String> stringList(Node node, String path) {
        List<String> out = new ArrayList<>();
        List<Node> items = list(node, path);
        for (int i = 0; i < items.size(); i++) {
            String s = string(items.get(i), path + "[" + i + "]");
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    String string(Node node, String path) {
        if (node == null || isNull(node)) {
            return null;
        }
        if (node instanceof ScalarNode scalar) {
            return scalar.getValue();
        }
        problems.error(at(node), path + ": expected a string, found " + describe(node));
        return null;
    }

    Integer integer(Node node, String path) {
        if (node == null || isNull(node)) {
            return null;
        }
        if (node instanceof ScalarNode scalar && (scalar.getTag().equals(Tag.INT) || scalar.getTag().equals(Tag.STR))) {
            try {
                long value = Long.parseLong(scalar.getValue().trim().replace("_", ""));
                if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
                    problems.error(at(node), path + ": " + value + " does not fit a 32-bit integer");
                    return null;
                }
                return (int) value;
            } catch (NumberFormatException e) {
                // fall through to the shared message
            }
        }
        problems.error(at(node), path + ": expected an integer, found " + describe(node));
        return null;
    }

    Boolean bool(Node node, String path) {
        if (node == null || isNull(node)) {
            return null;
        }
        if (node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.BOOL)) {
            return Boolean.parseBoolean(scalar.getValue().toLowerCase());
        }
        problems.error(at(node), path + ": expected true or false, found " + describe(node));
        return null;
    }

    MappingNode mapping(Node node, String path, String typeName) {
        if (node instanceof MappingNode m) {
            return m;
        }
        if (node == null || isNull(node)) {
            return null; // a missing part is reported by the caller, which knows whether it is required
        }
        problems.error(at(node), path + ": expected " + article(typeName) + " (a mapping), found " + describe(node));
        return null;
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    private String keyOf(NodeTuple tuple) {
        if (tuple.getKeyNode() instanceof ScalarNode key) {
            return key.getValue();
        }
        problems.error(at(tuple.getKeyNode()), "a mapping key must be a plain string");
        return null;
    }

    static String describe(Node node) {
        if (node instanceof ScalarNode s) {
            return "'" + s.getValue() + "'";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return "a mapping";
    }

    private static String article(String noun) {
        return ("aeiouAEIOU".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ") + noun;
    }

    static String suggestion(String key, List<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = editDistance(key.toLowerCase(), candidate.toLowerCase());
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        if (best != null && bestDistance <= Math.max(2, key.length() / 3)) {
            return "; did you mean '" + best + "'?";
        }
        return "; expected one of " + String.join(", ", known);
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
