package dev.meshroute.reference.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code meshroute-reference adapter}: bad arguments end with one line and exit 2 (serving is AdapterIT's). */
class AdapterCommandTest {

    private record Run(int exit, String out, String err) {
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

    @Test
    void unknownMutant_oneLineAndExit2() {
        Run r = run("adapter", "--port", "0", "--mutant", "no-such-mutant");
        assertEquals(2, r.exit());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("meshroute: unknown mutant 'no-such-mutant'; known: none,"), r.err());
    }

    @Test
    void portInUse_oneLineNamingThePortAndExit2() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Run r = run("adapter", "--port", String.valueOf(taken.getLocalPort()));
            assertEquals(2, r.exit(), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("meshroute: the adapter cannot listen on 127.0.0.1:"
                    + taken.getLocalPort()), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
        }
    }
}
