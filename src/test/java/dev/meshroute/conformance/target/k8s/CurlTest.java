package dev.meshroute.conformance.target.k8s;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CurlTest {

    @Test
    void script_quotesEveryArgument_andMarksEachAnswer() throws Exception {
        String script = Curl.script("GET", "/a?b=1", "my-app", List.of(Map.entry("x-q", "it's"), Map.entry("x-empty", "")),
                "meshroute-probe", List.of("id-1", "id-2"), 30);
        assertTrue(script.contains("'-H' 'Host: my-app' '-H' 'x-request-id: id-1'"), script);
        assertTrue(script.contains("'x-q: it'\\''s'"), script);
        assertTrue(script.contains("'x-empty;'"), script);
        assertTrue(script.contains("'http://meshroute-probe/a?b=1'"), script);
        assertEquals(2, script.lines().count());
        // the quoting survives a real shell: echo stands in for curl
        Path sh = Path.of("/bin/sh");
        if (Files.isExecutable(sh)) {
            Process p = new ProcessBuilder("/bin/sh", "-c", "curl() { printf '%s|' \"$@\"; }; " + script).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor());
            assertTrue(out.contains("|x-q: it's|"), out);
            assertEquals(2, Curl.parse(out).size(), out);
        }
    }

    @Test
    void parse_readsStatusHeadersAndBody_ofEachAnswer() throws IOException {
        String out = "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nX-Multi: a\r\nx-multi: b\r\n\r\nHostname=p1\n"
                + "\n" + Curl.END + " 0@@\n"
                + "HTTP/1.1 404 Not Found\r\ndate: x\r\n\r\n"
                + "\n" + Curl.END + " 0@@\n"
                + "curl: (7) Failed to connect"
                + "\n" + Curl.END + " 7@@\n";
        List<Curl.Answer> answers = Curl.parse(out);
        assertEquals(3, answers.size());
        assertEquals(200, answers.get(0).status());
        assertEquals(List.of("a", "b"), answers.get(0).headers().get("x-multi"));
        assertEquals("Hostname=p1\n", answers.get(0).body());
        assertEquals(404, answers.get(1).status());
        assertEquals("", answers.get(1).body());
        assertEquals(7, answers.get(2).exitCode());
    }
}
