package dev.meshroute.reference.dataplane;

import com.google.re2j.ProgramSize;
import dev.meshroute.reference.mutants.Mutant;
import dev.meshroute.reference.regex.RegexLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Regex limits (issue #10): RE2's nested-repetition limit and Envoy's program-size cap, before any compiling. */
class RegexLimitsTest {

    @ParameterizedTest
    @ValueSource(strings = {".*beta-tester.*", "/api/v[0-9]+/.*", "(a|b|c){3,7}", "x{2,}", "[a-z]{1000}",
            "(abc)?(def)*(ghi)+", "^/(users|groups)/[^/]+$"})
    void theEstimate_isTheCompiledSizeOrMore(String regex) {
        // the estimate guards compilation, so it must never be below what re2j actually builds (by much)
        long estimate = ProgramSize.measure(regex).estimatedInstructions();
        int compiled = ProgramSize.compiled(regex);
        assertTrue(estimate >= compiled - 2 && estimate <= compiled * 2L + 4,
                regex + ": estimated " + estimate + ", compiled " + compiled);
    }

    @Test
    void ordinaryRouteRegexes_areWithinTheLimits() {
        assertNull(RegexLimits.problem(".*beta-tester.*"));
        assertNull(RegexLimits.problem("[a-z]{1000}"));
        assertNull(RegexLimits.problem("((a{10}){10}){10}"), "a product of exactly 1000 is allowed, as in RE2");
    }

    @Test
    void theProxy_refusesAnOversizedRegexAsAnXdsRejection_withoutCompilingIt() {
        XdsRejection nested = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(XdsRejection.class,
                () -> StringMatcher.regex("((a{1000}){1000}){1000}", Mutant.NONE)));
        assertTrue(nested.getMessage().contains("nested repetitions multiply to 1000000000"), nested.getMessage());
        XdsRejection big = assertThrows(XdsRejection.class,
                () -> StringMatcher.regex("(abcdefghijklmnopqrstuvwxyz0123456789){1000}", Mutant.NONE));
        assertEquals("regex \"(abcdefghijklmnopqrstuvwxyz0123456789){1000}\" is refused: it compiles to a program of"
                + " 38001 instructions, over the 32768 Envoy accepts under Istio (re2.max_program_size.error_level);"
                + " simplify it", big.getMessage());
    }
}
