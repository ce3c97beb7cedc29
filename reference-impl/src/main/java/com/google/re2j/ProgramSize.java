package com.google.re2j;

/**
 * The size of the program re2j compiles a regex to, which re2j keeps package-private: the meshroute reference
 * needs it to cap regexes as Envoy caps RE2's program size ({@code re2.max_program_size.error_level}). It lives in
 * re2j's package only to reach {@link Parser}, {@link Simplify} and {@link Compiler}; it changes nothing in re2j.
 */
public final class ProgramSize {

    /** What {@link #measure} found: the largest product of nested repetition counts, and the program size. */
    public record Measure(long nestedRepeat, long estimatedInstructions) {
    }

    private ProgramSize() {
    }

    /**
     * Measures a regex from its parse tree, without compiling it (compiling {@code ((a{1000}){1000}){1000}} would
     * build a billion instructions). {@code estimatedInstructions} counts as re2j's compiler does: one instruction
     * per literal rune, class, assertion and empty match, two per capture, one more per star, plus or quest, each
     * repeat's operand as many times as its largest count, and the final match.
     *
     * @throws PatternSyntaxException if the regex does not parse as RE2
     */
    public static Measure measure(String regex) {
        Regexp re = Parser.parse(regex, RE2.PERL);
        return new Measure(nestedRepeat(re), 1 + instructions(re));
    }

    /** The number of instructions re2j compiles {@code regex} to; call only when {@link #measure} is small. */
    public static int compiled(String regex) {
        return Compiler.compileRegexp(Simplify.simplify(Parser.parse(regex, RE2.PERL))).numInst();
    }

    private static long nestedRepeat(Regexp re) {
        long inner = 1;
        if (re.subs != null) {
            for (Regexp sub : re.subs) {
                inner = Math.max(inner, nestedRepeat(sub));
            }
        }
        if (re.op == Regexp.Op.REPEAT) {
            long count = re.max >= 0 ? re.max : re.min;
            return saturate(inner * Math.max(1, count));
        }
        return inner;
    }

    private static long instructions(Regexp re) {
        long subs = 0;
        if (re.subs != null) {
            for (Regexp sub : re.subs) {
                subs = saturate(subs + instructions(sub));
            }
        }
        return switch (re.op) {
            case LITERAL -> re.runes == null ? 1 : Math.max(1, re.runes.length);
            case CAPTURE -> saturate(subs + 2);
            case STAR, PLUS, QUEST -> saturate(subs + 1);
            case ALTERNATE -> saturate(subs + Math.max(0, re.subs.length - 1));
            case CONCAT -> Math.max(1, subs);
            case REPEAT -> saturate(subs * Math.max(1, re.max >= 0 ? re.max : re.min + 1) + Math.max(0, re.max - re.min));
            default -> 1;
        };
    }

    private static long saturate(long n) {
        return n < 0 || n > Integer.MAX_VALUE ? Integer.MAX_VALUE : n;
    }
}
