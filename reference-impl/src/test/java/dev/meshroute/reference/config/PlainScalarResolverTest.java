package dev.meshroute.reference.config;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.resolver.Resolver;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The shortcut resolver gives every scalar the tag SnakeYAML's own resolver gives it. */
class PlainScalarResolverTest {

    private static final List<String> SPECIAL = List.of("", " ", "~", "null", "Null", "NULL", "nul", "name",
            "namespace", "true", "True", "TRUE", "false", "yes", "Yes", "no", "No", "on", "On", "off", "OFF", "y", "n",
            "0", "-1", "+1", "1_000", "0x1F", "0o17", "017", "0b101", "1.5", "-1.5e3", ".5", ".inf", "-.Inf", ".NaN",
            "1:20", "190:20:30", "2026-01-01", "2026-01-01T00:00:00Z", "2026-1-1 1:2:3.5 +1", "<<", "<", "=", "!x",
            "&a", "*b", "\0", "match", "/svc-1/items", "reviews.default.svc.cluster.local", "r1", "exact", "é", "日本");

    @Test
    void givesTheStockResolversTag_forSpecialAndRandomScalars() {
        Resolver stock = new Resolver();
        Resolver fast = new PlainScalarResolver();
        List<String> values = new ArrayList<>(SPECIAL);
        Random random = new Random(7);
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-+._:~<>=!&*/ \0xé";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder();
            int length = random.nextInt(12);
            for (int j = 0; j < length; j++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            values.add(b.toString());
        }
        for (char c = 0; c < 256; c++) {
            values.add(c + "abc");
            values.add(String.valueOf(c));
        }
        for (String value : values) {
            for (boolean implicit : new boolean[] {true, false}) {
                for (NodeId kind : List.of(NodeId.scalar, NodeId.sequence, NodeId.mapping)) {
                    assertEquals(stock.resolve(kind, value, implicit), fast.resolve(kind, value, implicit),
                            kind + " '" + value + "' implicit " + implicit);
                }
            }
        }
    }
}
