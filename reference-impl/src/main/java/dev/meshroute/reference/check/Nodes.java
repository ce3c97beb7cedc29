package dev.meshroute.reference.check;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Typed reads of a YAML (or JSON) test file's node tree; every shape error names the file and the line. */
final class Nodes {

    private final String file;

    Nodes(String file) {
        this.file = file;
    }

    /** The document's root node; malformed YAML is one error with the file and line, never a stack trace. */
    Node parse(String text) {
        try {
            Node root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
            if (root == null) {
                throw new CheckInputException(file + ":1: the file is empty");
            }
            return root;
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 1;
            throw new CheckInputException(file + ":" + line + ": malformed YAML: " + e.getProblem());
        } catch (YAMLException e) {
            throw new CheckInputException(file + ": malformed YAML: " + e.getMessage());
        }
    }

    CheckInputException error(Node at, String message) {
        return new CheckInputException(file + ":" + line(at) + ": " + message);
    }

    static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    /**
     * A mapping's fields by name; a field in {@code unsupported} is rejected as not supported by the check, any
     * other field not in {@code allowed} as unknown.
     */
    Map<String, Node> fields(Node node, String what, Set<String> allowed, Set<String> unsupported) {
        if (!(node instanceof MappingNode m)) {
            throw error(node, what + " must be a mapping");
        }
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            String key = scalar(t.getKeyNode(), "a field name in " + what);
            if (unsupported.contains(key)) {
                throw error(t.getKeyNode(), what + " field '" + key + "' is not supported by meshroute check");
            }
            if (!allowed.contains(key)) {
                throw error(t.getKeyNode(), "unknown field '" + key + "' in " + what + " (known: "
                        + String.join(", ", allowed) + ")");
            }
            if (out.put(key, t.getValueNode()) != null) {
                throw error(t.getKeyNode(), "field '" + key + "' appears twice in " + what);
            }
        }
        return out;
    }

    Map<String, Node> fields(Node node, String what, Set<String> allowed) {
        return fields(node, what, allowed, Set.of());
    }

    String scalar(Node node, String what) {
        if (!(node instanceof ScalarNode s)) {
            throw error(node, what + " must be a single value");
        }
        return s.getValue();
    }

    String string(Map<String, Node> fields, String name, String what, String fallback) {
        Node n = fields.get(name);
        return n == null ? fallback : scalar(n, what + "." + name);
    }

    long number(Node node, String what, long min, long max) {
        String v = scalar(node, what);
        try {
            long n = Long.parseLong(v.trim());
            if (n < min || n > max) {
                throw error(node, what + " must be between " + min + " and " + max + ", not " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw error(node, what + " must be a whole number, not '" + v + "'");
        }
    }

    boolean bool(Node node, String what) {
        String v = scalar(node, what);
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw error(node, what + " must be true or false, not '" + v + "'");
        };
    }

    List<Node> list(Node node, String what) {
        if (!(node instanceof SequenceNode s)) {
            throw error(node, what + " must be a list");
        }
        return s.getValue();
    }

    /** A mapping of names to single values, in order (header name to value). */
    Map<String, String> stringMap(Node node, String what) {
        if (!(node instanceof MappingNode m)) {
            throw error(node, what + " must be a mapping of names to values");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            out.put(scalar(t.getKeyNode(), "a name in " + what), scalar(t.getValueNode(), what + " values"));
        }
        return out;
    }
}
