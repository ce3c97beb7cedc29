package dev.meshroute.reference.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static dev.meshroute.reference.testsupport.Fixtures.guideDir;
import static dev.meshroute.reference.testsupport.Fixtures.lineOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(20)
class MainTest {

    /** What one run printed, and its exit code. */
    private record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }

        List<String> lines() {
            return all().lines().toList();
        }

        void assertNoStackTrace() {
            for (String line : lines()) {
                assertFalse(line.startsWith("\tat "), "stack trace line: " + line);
            }
            assertFalse(all().contains("Exception"), all());
        }

        /** The lines that report an error, e.g. {@code /tmp/x/vs.yaml:12: error ...}. */
        List<String> errorLines() {
            return lines().stream().filter(l -> l.contains(": error")).toList();
        }
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit;
        try (PrintWriter o = new PrintWriter(out, true); PrintWriter e = new PrintWriter(err, true)) {
            exit = Main.run(args, o, e);
        }
        return new Run(exit, out.toString(), err.toString());
    }

    /** Copies the guide's fixture files into {@code dir}. */
    private static void copyGuide(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(guideDir())) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
    }

    @Test
    void validate_guideFixtures_exit0() {
        Run r = run("validate", guideDir().toString());

        assertEquals(0, r.exit(), r.all());
        assertTrue(r.errorLines().isEmpty(), r.all());
        r.assertNoStackTrace();
    }

    @Test
    void validate_undefinedSubset_reportsIST0101WithFileAndExits1(@TempDir Path dir) throws IOException {
        copyGuide(dir);
        Path vs = dir.resolve("my-app-vs.yaml");
        Files.writeString(vs, Files.readString(vs).replace("subset: v2\n  - route:", "subset: v3\n  - route:"));
        assertTrue(Files.readString(vs).contains("subset: v3"), "the fixture changed shape; adjust the test");

        Run r = run("validate", dir.toString());

        assertEquals(1, r.exit(), r.all());
        List<String> ist = r.lines().stream().filter(l -> l.contains("IST0101")).toList();
        assertEquals(1, ist.size(), r.all());
        assertTrue(ist.get(0).contains("my-app-vs.yaml:"), ist.get(0));
        assertTrue(ist.get(0).contains("+v3\""), ist.get(0));
        r.assertNoStackTrace();
    }

    @Test
    void validate_malformedYaml_oneLineErrorWithFileAndLine(@TempDir Path dir) throws IOException {
        String text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a: b\n";
        Files.writeString(dir.resolve("bad.yaml"), text);

        Run r = run("validate", dir.toString());

        assertEquals(1, r.exit(), r.all());
        assertEquals(1, r.errorLines().size(), r.all());
        assertTrue(r.errorLines().get(0).contains("bad.yaml:" + lineOf(text, "name: a: b") + ":"),
                r.errorLines().get(0));
        r.assertNoStackTrace();
    }

    @Test
    void validate_invalidRegex_oneLineErrorWithFileAndLine(@TempDir Path dir) throws IOException {
        copyGuide(dir);
        Path vs = dir.resolve("my-app-vs.yaml");
        String text = Files.readString(vs).replace("regex: \".*beta-tester.*\"", "regex: \"(?=beta-tester)\"");
        assertTrue(text.contains("(?=beta-tester)"), "the fixture changed shape; adjust the test");
        Files.writeString(vs, text);

        Run r = run("validate", dir.toString());

        assertEquals(1, r.exit(), r.all());
        assertEquals(1, r.errorLines().size(), r.all());
        String line = r.errorLines().get(0);
        assertTrue(line.contains("my-app-vs.yaml:" + lineOf(text, "(?=beta-tester)") + ":"), line);
        assertTrue(line.contains("regex"), line);
        r.assertNoStackTrace();
    }

    @Test
    void validate_negativeWeight_oneLineErrorWithFileAndLine(@TempDir Path dir) throws IOException {
        copyGuide(dir);
        Path vs = dir.resolve("my-app-vs.yaml");
        String text = Files.readString(vs).replace("weight: 10\n", "weight: -10\n");
        assertTrue(text.contains("weight: -10"), "the fixture changed shape; adjust the test");
        Files.writeString(vs, text);

        Run r = run("validate", dir.toString());

        assertEquals(1, r.exit(), r.all());
        assertEquals(1, r.errorLines().size(), r.all());
        String line = r.errorLines().get(0);
        assertTrue(line.contains("weight -10 < 0"), line);
        assertTrue(line.matches(".*my-app-vs\\.yaml:\\d+: error.*"), line);
        int reported = Integer.parseInt(line.replaceFirst(".*my-app-vs\\.yaml:(\\d+):.*", "$1"));
        int weightLine = lineOf(text, "weight: -10");
        // the line of the offending route entry: its "- destination:" line up to its weight line
        assertTrue(reported >= weightLine - 3 && reported <= weightLine, "line " + reported + " vs " + weightLine);
        r.assertNoStackTrace();
    }

    @Test
    void validate_missingDirectory_clearMessageNonZeroExit(@TempDir Path dir) {
        Path missing = dir.resolve("does-not-exist");

        Run r = run("validate", missing.toString());

        assertNotEquals(0, r.exit());
        assertTrue(r.all().contains(missing.toString()), r.all());
        assertTrue(r.all().contains("not a directory"), r.all());
        r.assertNoStackTrace();
    }

    @Test
    void serve_missingDirectory_oneLineErrorNonZeroExit(@TempDir Path dir) {
        Path missing = dir.resolve("does-not-exist");

        Run r = run("serve", "--config", missing.toString(), "--port", "0", "--xds-port", "0");

        assertNotEquals(0, r.exit());
        assertEquals(1, r.err().lines().count(), r.all());
        assertTrue(r.err().contains(missing.toString()), r.err());
        assertTrue(r.err().contains("not a directory"), r.err());
        r.assertNoStackTrace();
    }
}
