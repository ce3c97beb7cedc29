package dev.meshroute.reference.regex;

import com.google.re2j.PatternSyntaxException;
import com.google.re2j.ProgramSize;

/**
 * The limits a route regex must stay within beyond RE2 syntax, checked before any regex is compiled (by
 * validation and again by the proxy when it compiles a route table), so a short regex can never exhaust memory.
 *
 * <ul>
 *   <li>Nested repetitions may multiply to at most {@value #MAX_NESTED_REPEAT}: RE2 refuses more with "bad
 *       repetition operator" (re2/parse.cc, {@code RepetitionWalker}, {@code kMaxRepeat}); re2j does not check it,
 *       and {@code ((a{1000}){1000}){1000}} made it run out of memory.</li>
 *   <li>The compiled program may have at most {@value #MAX_PROGRAM_SIZE} instructions: Envoy refuses a larger RE2
 *       program, and with it the whole route configuration, above {@code re2.max_program_size.error_level}
 *       (envoyproxy/envoy source/common/common/regex.cc; default 100), which Istio's bootstrap raises to 32768
 *       (istio/istio tools/packaging/common/envoy_bootstrap.json) so that its own validation, by length only,
 *       never lets a NACK through. re2j does not expose C++ RE2's {@code ProgramSize()}; the number used here is the
 *       instruction count of re2j's compiled program (a port of Go's regexp compiler), which differs from C++
 *       RE2's count by a small factor for the same regex, so the cap is of the same order, not bit-exact.</li>
 * </ul>
 */
public final class RegexLimits {

    public static final int MAX_NESTED_REPEAT = 1000;
    public static final int MAX_PROGRAM_SIZE = 32768;

    private RegexLimits() {
    }

    /**
     * Why {@code regex} is over a limit, in words for a message, or null when it is within them (or does not parse:
     * compiling it reports that).
     */
    public static String problem(String regex) {
        ProgramSize.Measure measure;
        try {
            measure = ProgramSize.measure(regex);
        } catch (PatternSyntaxException e) {
            return null;
        }
        if (measure.nestedRepeat() > MAX_NESTED_REPEAT) {
            return "nested repetitions multiply to " + measure.nestedRepeat() + ", over RE2's limit of "
                    + MAX_NESTED_REPEAT + " (RE2: bad repetition operator); use fewer or smaller counts";
        }
        long size = measure.estimatedInstructions() > MAX_PROGRAM_SIZE ? measure.estimatedInstructions()
                : ProgramSize.compiled(regex);
        if (size > MAX_PROGRAM_SIZE) {
            return "it compiles to a program of " + (size >= Integer.MAX_VALUE ? "over 2^31" : size)
                    + " instructions, over the " + MAX_PROGRAM_SIZE + " Envoy accepts under Istio"
                    + " (re2.max_program_size.error_level); simplify it";
        }
        return null;
    }
}
